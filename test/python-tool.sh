#!/usr/bin/env bash
# Prints the bin folder of a virtual environment, cached under ~/.cache/cdk-eks-oidc, that holds
# the PyPI package <name>==<version> and its command <name>; made on first use.
# Usage: bash test/python-tool.sh <name> <version>
set -euo pipefail
name=$1 version=$2
venv="$HOME/.cache/cdk-eks-oidc/$name-$version"
if ! "$venv/bin/$name" --version >/dev/null 2>&1; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$name==$version"
fi
echo "$venv/bin"

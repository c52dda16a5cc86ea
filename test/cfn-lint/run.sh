#!/usr/bin/env bash
# cfn-lint from PyPI, in a virtual environment cached under ~/.cache, on our templates.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=1.58.0
venv="$HOME/.cache/cdk-eks-oidc/cfn-lint-$version"
if ! "$venv/bin/cfn-lint" --version >/dev/null 2>&1; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "cfn-lint==$version"
fi
exec npx ts-node --project tsconfig.dev.json test/cfn-lint/lint.ts "$venv/bin/cfn-lint"

#!/usr/bin/env bash
# The Python suite, as a Python user would meet the library: a virtual environment with the wheel
# from dist/python and aws-cdk-lib / constructs from PyPI. The environment is made once per
# requirements.txt and Python version, under ~/.cache, so that the 100 MB of aws-cdk-lib are not
# installed again every run; the wheel is installed anew every run (with whatever it requires
# beyond requirements.txt), and nothing else is kept from a run to the next.
set -euo pipefail
cd "$(dirname "$0")/../.."

wheels=(dist/python/*.whl)
[[ -f "${wheels[0]}" ]] || { echo "no wheel in dist/python: run 'npx projen package:python' first" >&2; exit 1; }

key="$( (python3 --version; cat test/python/requirements.txt) | sha256sum | cut -c1-12)"
venv="$HOME/.cache/cdk-eks-oidc/python-suite-$key"
if [[ ! -f "$venv/.installed" ]]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r test/python/requirements.txt
  touch "$venv/.installed"
fi
"$venv/bin/pip" uninstall --quiet --yes cdk-eks-oidc 2>/dev/null || true
"$venv/bin/pip" install --quiet --disable-pip-version-check "${wheels[@]}"
"$venv/bin/python" -m pytest test/python -p no:cacheprovider --junitxml=test-reports/python.xml "$@"

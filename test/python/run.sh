#!/usr/bin/env bash
# The Python suite, as a Python user would meet the library: a fresh virtual environment
# with the wheel from dist/python and aws-cdk-lib / constructs from PyPI. pip's download
# cache (~/.cache/pip) makes reruns fast; the environment itself is new every run.
set -euo pipefail
cd "$(dirname "$0")/../.."

wheels=(dist/python/*.whl)
[[ -f "${wheels[0]}" ]] || { echo "no wheel in dist/python: run 'npx projen package:python' first" >&2; exit 1; }

venv="$(mktemp -d)/venv"
trap 'rm -rf "$(dirname "$venv")"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r test/python/requirements.txt "${wheels[@]}"
"$venv/bin/python" -m pytest test/python -p no:cacheprovider --junitxml=test-reports/python.xml "$@"

#!/usr/bin/env bash
# cfn-lint from PyPI, in a virtual environment cached under ~/.cache, on our templates.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(bash test/python-tool.sh cfn-lint 1.58.0)"
exec npx ts-node --project tsconfig.dev.json test/cfn-lint/lint.ts "$bin/cfn-lint"

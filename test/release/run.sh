#!/usr/bin/env bash
# Release checks that need no registry account, on what `npx projen package-all` built into dist/:
# actionlint on the generated GitHub workflows, twine on the wheel and sdist, and what the npm
# tarball, the jar's POM and the wheel's metadata hold (packages.ts). Tools are cached under ~/.cache.
set -euo pipefail
cd "$(dirname "$0")/../.."
cache="$HOME/.cache/cdk-eks-oidc"

actionlint_version=v1.7.12
actionlint="$cache/actionlint-$actionlint_version/actionlint"
if ! "$actionlint" -version >/dev/null 2>&1; then
  GOBIN="$(dirname "$actionlint")" GOTOOLCHAIN=local GOFLAGS=-mod=mod GOMODCACHE="$HOME/.cache/cdk-eks-oidc-go/mod" GOCACHE="$HOME/.cache/cdk-eks-oidc-go/build" \
    go install "github.com/rhysd/actionlint/cmd/actionlint@$actionlint_version"
fi
"$actionlint" -no-color .github/workflows/*.yml
echo "actionlint $actionlint_version: .github/workflows/*.yml clean"

"$(bash test/python-tool.sh twine 7.0.0)/twine" check --strict dist/python/*

exec npx ts-node --project tsconfig.dev.json test/release/packages.ts

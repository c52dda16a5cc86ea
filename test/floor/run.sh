#!/usr/bin/env bash
# The jest unit and property tests against the floors of our peer dependencies: the lowest
# aws-cdk-lib and constructs that package.json's peerDependencies accept. node_modules keeps the
# newest for development; the floor copies live in a cache folder of their own, installed once per
# pair of versions, and jest.config.js here sends every import of them there.
# Arguments go to jest (e.g. a test path, or -t NAME).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

# One source of truth: the peer ranges of package.json (from cdkVersion and constructsVersion in
# .projenrc.ts). A floor is only well defined for a caret range, so anything else is an error.
floors="$(node -e '
  const peers = require("./package.json").peerDependencies;
  const floor = name => /^\^(\d+\.\d+\.\d+)$/.exec(peers[name])?.[1]
    ?? (() => { throw new Error(`peerDependencies["${name}"] is not ^X.Y.Z: ${peers[name]}`); })();
  console.log(floor("aws-cdk-lib"), floor("constructs"));')"
read -r cdk constructs <<< "$floors"

env="$HOME/.cache/cdk-eks-oidc-floor/aws-cdk-lib-$cdk-constructs-$constructs"
if [[ ! -f "$env/.installed" ]]; then
  mkdir -p "$env"
  echo '{ "name": "cdk-eks-oidc-floor", "private": true }' > "$env/package.json"
  # --legacy-peer-deps: aws-cdk-lib 2.240.0 itself declares constructs ^10.5.0, so npm refuses the
  # pair our peerDependencies allow (ERESOLVE). Installing it anyway tests what we declare.
  # Nothing else is installed here: the other packages the tests load that import aws-cdk-lib
  # (@aws-cdk/lambda-layer-kubectl-v32) come from node_modules and get the floor through the mapper.
  npm install --prefix "$env" --no-audit --no-fund --loglevel=error --save-exact --legacy-peer-deps \
    "aws-cdk-lib@$cdk" "constructs@$constructs"
  touch "$env/.installed"
fi
export CDK_FLOOR_NODE_MODULES="$env/node_modules"

# Processes the tests start (cli.test.ts runs the CLI under ts-node) do not go through jest's
# moduleNameMapper: a preloaded resolve hook sends them to the floor as well.
export NODE_OPTIONS="${NODE_OPTIONS:-} --require \"$root/test/floor/resolve-floor.js\""
# A few hundred property cases instead of the 10,000 of the main run: the floor job looks for
# aws-cdk-lib differences, which show on any case, not for rare props.
export FC_RUNS="${FC_RUNS:-200}"
# Its own JUnit report, next to (not over) the main run's test-reports/junit.xml.
export JEST_JUNIT_OUTPUT_NAME="${JEST_JUNIT_OUTPUT_NAME:-floor.xml}"

echo "floor: aws-cdk-lib $cdk, constructs $constructs from $CDK_FLOOR_NODE_MODULES (FC_RUNS=$FC_RUNS)"
exec node_modules/.bin/jest --ci --config test/floor/jest.config.js "$@"

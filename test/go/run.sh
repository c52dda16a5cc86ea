#!/usr/bin/env bash
# The Go suite: `go test` of this module, which uses the module jsii-pacmak built into
# dist/go/cdkeksoidc (a replace directive) and aws-cdk-go from the Go module proxy. Writes the
# test events to test-reports/go.json for the summary line. Caches: GOMODCACHE and GOCACHE.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p ../../test-reports
# Construct-library strict mode, as in the other suites: template validation findings fail synthesis.
export CDK_CONTEXT_JSON='{"@aws-cdk/core:strictCfnValidateErrors":true}'
set +e
go test -count=1 -json ./... > ../../test-reports/go.json
code=$?
set -e
# The human-readable part of the events: each test's output and verdict.
node -e '
  for (const line of require("fs").readFileSync(process.argv[1], "utf8").split("\n")) {
    let e;
    try { e = JSON.parse(line); } catch { console.log(line); continue; }
    if (e.Action === "output") process.stdout.write(e.Output);
  }' ../../test-reports/go.json
exit $code

#!/usr/bin/env bash
# The integration tests (test/integ.*.ts) through integ-runner: without arguments, compare each
# with its committed snapshot (no deploy, no AWS account needed); with --update, rewrite the
# snapshots (also without deploying). Other arguments go to integ-runner.
#
# integ-runner 2.197.10, the newest the npm registry here serves, reads cloud assemblies up to
# schema 53, and aws-cdk-lib 2.276 writes 55. So the integration tests synthesize with
# aws-cdk-lib 2.245.0, the version of the newest @aws-cdk/integ-tests-alpha (and within our peer
# range), in an environment of their own cached under ~/.cache, from this repository's src/.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
deps=(aws-cdk-lib@2.245.0 constructs@10.5.1 @aws-cdk/integ-tests-alpha@2.245.0-alpha.0
  @aws-cdk/integ-runner@2.197.10 ts-node@10.9.2 typescript@5.9.3 @types/node@20)
env="$HOME/.cache/cdk-eks-oidc/integ-$(echo "${deps[*]}" | sha256sum | cut -c1-12)"
if [[ ! -f "$env/.installed" ]]; then
  mkdir -p "$env"
  echo '{ "name": "cdk-eks-oidc-integ", "private": true }' > "$env/package.json"
  npm install --prefix "$env" --no-audit --no-fund --loglevel=error "${deps[@]}"
  touch "$env/.installed"
fi

args=("$@")
update=false
if [[ "${1:-}" == "--update" ]]; then update=true; args=(--update-on-failed --dry-run "${@:2}"); fi

# A work folder inside the environment, so that src/ resolves the environment's aws-cdk-lib.
work="$(mktemp -d "$env/work.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp -r "$root/src" "$work/src"
cp "$root/test/integ/tsconfig.json" "$work/tsconfig.json"
mkdir "$work/test"
cp -r "$root"/test/integ.*.ts "$work/test/"
for snapshot in "$root"/test/integ.*.ts.snapshot; do [[ -d "$snapshot" ]] && cp -r "$snapshot" "$work/test/"; done

integ_runner() { (cd "$work" && "$env/node_modules/.bin/integ-runner" --directory test "$@"); }
status=0
integ_runner "${args[@]}" || status=$?

if $update; then
  # integ-runner rewrites a snapshot whose change is destructive (a resource replaced or deleted),
  # prints the changes, and then fails, for them to be said in the PR. Such a snapshot is kept
  # when a plain comparison with it passes.
  if [[ $status -ne 0 ]]; then
    integ_runner "${@:2}" || exit "$status"
    status=0
    echo "integ: snapshots rewritten with the destructive changes shown above: say so in the PR" >&2
  fi
  for snapshot in "$work"/test/integ.*.ts.snapshot; do
    rm -rf "$root/test/$(basename "$snapshot")"
    cp -r "$snapshot" "$root/test/"
  done
fi
exit "$status"

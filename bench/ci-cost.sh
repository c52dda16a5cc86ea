#!/usr/bin/env bash
# What the test command costs: runs `bash .ci/run` (the README's `npm ci && npx projen ci`) with
# CI=true on a fresh clone of this repository's HEAD, first cold, then warm, then times the inner
# loop (`npx projen test` without CI), and prints the time and CPU time of every step of each run.
#
#   cold: a new, empty HOME, so every cache is empty (npm, pip, Maven, Go modules and builds,
#         kube-apiserver, the floor's and integ's installs). Only the machine's settings are carried
#         over into it: ~/.npmrc, ~/.gitconfig, pip's and Go's config, Maven's settings.xml, and
#         pyenv's root (where this machine's Python lives, not a cache).
#   warm: a second fresh clone with the HOME the cold run filled.
#
# Usage: bash bench/ci-cost.sh [--warm]   (--warm: skip the cold run and use your own HOME)
# Writes bench/ci-cost.json in the repository it is run from. Takes 30 minutes or more.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${CI_COST_DIR:-${TMPDIR:-/tmp}/cdk-eks-oidc-ci-cost}"
results="$repo/bench/ci-cost.json"

warm_only=false
[[ "${1:-}" == "--warm" ]] && warm_only=true

rm -rf "$work" && mkdir -p "$work"
if $warm_only; then
  home="$HOME"
else
  home="$work/home"
  mkdir -p "$home/.config"
  for f in .npmrc .gitconfig .m2/settings.xml; do
    [[ -f "$HOME/$f" ]] && { mkdir -p "$(dirname "$home/$f")"; cp "$HOME/$f" "$home/$f"; }
  done
  for d in pip go; do
    [[ -d "$HOME/.config/$d" ]] && cp -r "$HOME/.config/$d" "$home/.config/$d"
  done
  rm -rf "$home/.config/go/telemetry"
fi
export PYENV_ROOT="${PYENV_ROOT:-$HOME/.pyenv}"

# run <label> <command...>: in a fresh clone, with the chosen HOME; keeps ci-times.json and the log.
run() {
  local label=$1; shift
  rm -rf "$work/repo"
  git clone --quiet "$repo" "$work/repo"
  local start end
  start=$(date +%s)
  echo "ci-cost: $label run started at $(date -u +%H:%M:%S), log in $work/$label.log" >&2
  # GNU time adds the CPU time of the run (user + system, every process of it) to its log.
  if ! (cd "$work/repo" && HOME="$home" /usr/bin/time -f 'ci-cost cpu: %U %S' "$@") > "$work/$label.log" 2>&1; then
    tail -40 "$work/$label.log" >&2
    echo "ci-cost: the $label run failed" >&2
    exit 1
  fi
  end=$(date +%s)
  node -e '
    const [label, start, end, file, out, log] = process.argv.slice(1);
    const fs = require("fs");
    const times = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined;
    const all = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, "utf8")) : {};
    const cpu = /ci-cost cpu: ([\d.]+) ([\d.]+)/.exec(fs.readFileSync(log, "utf8"));
    all[label] = { seconds: end - start, cpuSeconds: cpu && Math.round(Number(cpu[1]) + Number(cpu[2])), steps: times && Object.fromEntries(times.steps.map(s => [s.name, s.seconds])),
      stepsCpuSeconds: times && Object.fromEntries(times.steps.map(s => [s.name, s.cpuSeconds])),
      // npm ci and projen before the steps, the diff check and summary after them
      setup: times && Math.round(times.started / 1000 - start), after: times && Math.round(end - times.ended / 1000) };
    fs.writeFileSync(out, JSON.stringify(all, undefined, 2) + "\n");
  ' "$label" "$start" "$end" "$work/repo/test-reports/ci-times.json" "$work/results.json" "$work/$label.log"
  echo "ci-cost: $label run took $((end - start)) s" >&2
}

$warm_only || CI=true run cold bash .ci/run
CI=true run warm bash .ci/run
# The inner loop on the warm clone: node_modules and caches are there, as for a developer.
(cd "$work/repo" && rm -f test-reports/ci-times.json)
inner_start=$(date +%s)
(cd "$work/repo" && env -u CI HOME="$home" npx projen test) > "$work/inner.log" 2>&1 || { tail -40 "$work/inner.log" >&2; exit 1; }
inner=$(( $(date +%s) - inner_start ))

node -e '
  const [file, inner, out, cores] = process.argv.slice(1);
  const fs = require("fs");
  const all = JSON.parse(fs.readFileSync(file, "utf8"));
  all.innerLoop = { command: "npx projen test", seconds: Number(inner) };
  all.machine = { cores: Number(cores), date: new Date().toISOString().slice(0, 10) };
  fs.writeFileSync(out, JSON.stringify(all, undefined, 2) + "\n");
  const m = s => s === undefined ? "" : `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
  const runs = ["cold", "warm"].filter(r => all[r]);
  const names = [...new Set(runs.flatMap(r => Object.keys(all[r].steps ?? {})))];
  const row = cells => console.log(cells.map(c => c.padEnd(16)).join(""));
  row(["step", ...runs.flatMap(r => [r, `${r} cpu`])]);
  row(["npm ci+projen", ...runs.flatMap(r => [m(all[r].setup), ""])]);
  for (const n of names) row([n, ...runs.flatMap(r => [m(all[r].steps?.[n]), m(all[r].stepsCpuSeconds?.[n])])]);
  row(["total", ...runs.flatMap(r => [m(all[r].seconds), m(all[r].cpuSeconds)])]);
  console.log(`inner loop (npx projen test, warm): ${m(all.innerLoop.seconds)}`);
' "$work/results.json" "$inner" "$results" "$(nproc)"
echo "ci-cost: written to $results" >&2

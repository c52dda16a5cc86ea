// `npm run bench`: what the library costs at synth and at deploy time, measured against a
// baseline in the same run. Every measurement is a fresh process, so peak memory is its own.
// Prints tables and writes bench/results.json. Options: BENCH_ROUNDS (default 9).
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { cpus, tmpdir, totalmem } from 'os';
import { join } from 'path';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const ROOT = join(__dirname, '..');

/** Runs one bench script in a new Node process and returns the JSON it printed. */
function run(script: string, ...args: string[]): any {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-eks-oidc-bench-'));
  try {
    const stdout = execFileSync(process.execPath, [
      require.resolve('ts-node/dist/bin'), '--transpile-only', '--project', join(ROOT, 'tsconfig.dev.json'),
      join(__dirname, script), ...args, outdir,
    ], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDK_CONTEXT_JSON: undefined } });
    return JSON.parse(stdout.trim().split('\n').pop()!);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (value: number, digits = 0) => Number(value.toFixed(digits));

function table(title: string, rows: Array<Record<string, unknown>>) {
  console.log(`\n${title}`);
  console.table(rows);
}

// 1. Synth time and peak memory of N providers, L2 against bare L1, alternating in each round.
const synth = [];
for (const n of [1, 100, 1000]) {
  const l1: any[] = [];
  const l2: any[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which goes first, so that neither always meets a cooler machine.
    const [a, b] = r % 2 === 0 ? ['l1', 'l2'] : ['l2', 'l1'];
    const results: Record<string, any> = { [a]: run('providers-app.ts', a, String(n)), [b]: run('providers-app.ts', b, String(n)) };
    l1.push(results.l1);
    l2.push(results.l2);
    ratios.push(results.l2.ms / results.l1.ms);
  }
  synth.push({
    'providers': n,
    'L1 median ms': round(median(l1.map(x => x.ms))),
    'L2 median ms': round(median(l2.map(x => x.ms))),
    'median L2/L1': round(median(ratios), 3),
    'L1 peak MiB': round(median(l1.map(x => x.maxRssMiB))),
    'L2 peak MiB': round(median(l2.map(x => x.maxRssMiB))),
  });
}
table(`Build + synth, 10 providers per stack, each on its own cluster (median of ${ROUNDS} rounds)`, synth);

// 2. Deploy cost of RBAC bindings: a kubectl resource per binding, all served by one Lambda, which
// a deploy invokes only for the resources it creates, changes or deletes.
/** How many kubectl resources a deploy from one run's template to another's creates, updates or deletes. */
const invocations = (from: Record<string, string>, to: Record<string, string>) =>
  new Set([...Object.keys(from), ...Object.keys(to)]).size - Object.keys(from).filter(id => from[id] === to[id]).length;
const bindings = [];
for (const n of [1, 10, 100]) {
  const runs = Array.from({ length: ROUNDS }, () => run('bindings-app.ts', String(n), 'base'));
  const changed = run('bindings-app.ts', String(n), 'changed');
  const manifests = runs[0].kubectlResources;
  bindings.push({
    'bindings': n,
    'kubectl resources': Object.keys(manifests).length,
    'custom resources': runs[0].customResources,
    'Lambda-backed': runs[0].lambdaBacked,
    'invocations: first deploy': invocations({}, manifests),
    'invocations: one binding\'s subjects changed': invocations(manifests, changed.kubectlResources),
    'invocations: nothing changed': invocations(manifests, runs[runs.length - 1].kubectlResources),
    'synth median ms': round(median(runs.map(x => x.ms))),
  });
}
table('One provider with N bindings on an aws-eks-v2 cluster with kubectl', bindings);

// 3. The cost of loading the library, against aws-cdk-lib's EKS modules alone.
const modules: Array<[string, string, string]> = [
  ['aws-cdk-lib/aws-eks', 'aws-cdk-lib/aws-eks', 'Cluster'],
  ['aws-cdk-lib/aws-eks-v2', 'aws-cdk-lib/aws-eks-v2', 'Cluster'],
  ['cdk-eks-oidc', join(ROOT, 'lib'), 'OidcIdentityProvider'],
];
const load = modules.map(([name, path, className]) => ({
  'module and class': `${name} ${className}`,
  'require median ms': round(median(Array.from({ length: ROUNDS * 2 }, () => run('require-cost.ts', path, className).ms))),
}));
table(`require() of a module and its class in a fresh process (median of ${ROUNDS * 2})`, load);

const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: round(totalmem() / 2 ** 30, 1), node: process.version };
writeFileSync(join(__dirname, 'results.json'), JSON.stringify({ machine, rounds: ROUNDS, synth, bindings, load }, undefined, 2) + '\n');
console.log(`\n${JSON.stringify(machine)}\nwritten to bench/results.json`);

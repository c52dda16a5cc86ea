// The CLI as a process, for cli-fuzz.test.ts: src/ transpiled once per test run (lib/ may be stale
// or absent, and ts-node per run is too slow), then run as `node --max-old-space-size=256` with a
// timeout, as a process per case or as one process that runs many cases through main().
import { spawn, spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, relative } from 'path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..');
/** The heap a run may use: a case that needs more aborts, and fails the test. */
export const HEAP_MB = 256;

/** How one run ended. */
export interface Run {
  /** The exit code; null when the process was killed (a timeout, an abort). */
  readonly code: number | null;
  readonly signal?: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** In-process only: an exception main() let out. */
  readonly threw?: string;
}

/** Transpiles src/ into a new folder (types are checked by tsc, not here); returns the folder. */
export function compileCli(): string {
  const out = mkdtempSync(join(tmpdir(), 'cdk-eks-oidc-cli-fuzz-'));
  const walk = (folder: string): string[] => readdirSync(folder, { withFileTypes: true })
    .flatMap(entry => (entry.isDirectory() ? walk(join(folder, entry.name)) : entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [join(folder, entry.name)] : []));
  for (const source of walk(join(ROOT, 'src'))) {
    const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
      fileName: source,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    const target = join(out, relative(join(ROOT, 'src'), source)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  writeFileSync(join(out, 'in-process.js'), IN_PROCESS);
  return out;
}

/** Modules resolve from the repository's node_modules, though the code is elsewhere. */
const ENV = { ...process.env, NODE_PATH: join(ROOT, 'node_modules') };

/** Runs `cdk-eks-oidc <argv>` as a process, with standard input when given. */
export function runProcess(compiled: string, argv: string[], input?: string | Buffer, timeoutMs = 60_000): Run {
  const start = Date.now();
  const result = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, join(compiled, 'cli', 'index.js'), ...argv], {
    env: ENV, input: input ?? '', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, stdio: 'pipe',
  });
  return {
    code: result.status,
    signal: result.signal,
    stdout: result.stdout?.toString('utf8') ?? '',
    stderr: result.stderr?.toString('utf8') ?? '',
    ms: Date.now() - start,
  };
}

/**
 * Runs `cdk-eks-oidc <argv>` with its standard output closed as soon as it starts, as
 * `cdk-eks-oidc ... | true` does.
 */
export async function runWithClosedOutput(compiled: string, argv: string[]): Promise<Run> {
  const start = Date.now();
  const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, join(compiled, 'cli', 'index.js'), ...argv], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', chunk => { stderr += String(chunk); });
  const [code, signal] = await new Promise<[number | null, string | null]>(resolve => child.on('close', (c, s) => resolve([c, s])));
  return { code, signal, stdout: '', stderr, ms: Date.now() - start };
}

/**
 * Runs each command line through main() in one process per batch of cases (standard input
 * empty), each with its output captured; a process per case would take a second each. Batches
 * keep the runner's own memory (the command lines, the outputs) small beside the CLI's.
 */
export function runInProcess(compiled: string, cases: string[][], timeoutMs: number, batch = 200): { runs: Run[]; maxRssMb: number } {
  const runs: Run[] = [];
  let maxRssMb = 0;
  for (let first = 0; first < cases.length; first += batch) {
    const casesFile = join(compiled, `cases-${first}.json`);
    const resultsFile = `${casesFile}.results`;
    writeFileSync(casesFile, JSON.stringify(cases.slice(first, first + batch)));
    const result = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, join(compiled, 'in-process.js'), casesFile, resultsFile], {
      env: ENV, timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024,
    });
    if (result.status !== 0) {
      throw new Error(`the in-process runner of cases ${first} on ended with ${result.status ?? result.signal} ${result.error ?? ''}: ${String(result.stderr).slice(0, 2000)}`);
    }
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    runs.push(...results.runs);
    maxRssMb = Math.max(maxRssMb, results.maxRssMb);
  }
  return { runs, maxRssMb };
}

/** The runner of runInProcess: main() per case, standard output and error captured. */
const IN_PROCESS = `'use strict';
const fs = require('fs');
const { main } = require('./cli/index.js');
const [casesFile, resultsFile] = process.argv.slice(2);
(async () => {
  const runs = [];
  for (const argv of JSON.parse(fs.readFileSync(casesFile, 'utf8'))) {
    const stdout = [];
    const stderr = [];
    const write = { out: process.stdout.write, err: process.stderr.write };
    process.stdout.write = chunk => stdout.push(String(chunk)) > 0;
    process.stderr.write = chunk => stderr.push(String(chunk)) > 0;
    const start = process.hrtime.bigint();
    let code = null;
    let threw;
    try {
      code = await main(argv);
    } catch (error) {
      threw = String(error && error.stack || error);
    } finally {
      process.stdout.write = write.out;
      process.stderr.write = write.err;
    }
    runs.push({ code, stdout: stdout.join(''), stderr: stderr.join(''), ms: Number(process.hrtime.bigint() - start) / 1e6, threw });
  }
  fs.writeFileSync(resultsFile, JSON.stringify({ runs, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
})();
`;

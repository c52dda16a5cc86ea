// Runs the steps of steps.ts, each as soon as what it needs has passed and a slot is free, and
// writes test-reports/ci-times.json: when each step started and ended. A step's output goes to
// test-reports/ci/<name>.log and is printed whole when the step ends, so that the output of
// steps running at once never interleaves. Each step's CPU time (user + system, of every process
// it waited for) is kept too: on 2 cores a cold run is CPU-bound, so that is what a step costs.
// The first failure stops the run: the steps still running are ended, and the command exits 1.
//
// Usage: ts-node test/ci/run.ts [step ...]   (only these steps and what they need)
// CI_JOBS=<n> sets how many steps run at once (default: one more than the machine's cores, since
// every step waits on processes it starts, on disks or on the network part of the time).
import { ChildProcess, spawn } from 'child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { availableParallelism } from 'os';
import { join } from 'path';
import { Step, STEPS } from './steps';

const ROOT = join(__dirname, '..', '..');
const LOGS = join(ROOT, 'test-reports', 'ci');
const JOBS = Number(process.env.CI_JOBS ?? availableParallelism() + 1);
// A step that is not critical runs at nice 5: a critical step beside it gets three quarters of
// the CPU it asks for. Not 10: a tenth of the CPU made a jest test time out. On Linux with
// autogroups (the default of most distributions) `nice` alone does nothing between steps: each
// step is a session of its own, and the kernel shares the CPU equally between sessions whatever
// their processes' nice values. The session's own nice value is what counts, so the step sets it
// too. Without CAP_SYS_ADMIN the kernel takes one such change per 100 ms, machine-wide, and steps
// often start together: it tries again.
const NICE = 5;
const LOWER_PRIORITY = `for try in 1 2 3 4 5; do [ -e /proc/self/autogroup ] || break; echo ${NICE} 2>/dev/null > /proc/self/autogroup && break; sleep 0.2; done\n`;

/** The steps asked for and everything they need, in the order of steps.ts. */
function selected(names: string[]): Step[] {
  const byName = new Map(STEPS.map(step => [step.name, step]));
  const unknown = names.filter(name => !byName.has(name));
  if (unknown.length > 0) {
    console.error(`unknown step: ${unknown.join(', ')} (steps: ${STEPS.map(step => step.name).join(', ')})`);
    process.exit(2);
  }
  const wanted = new Set<string>();
  const add = (name: string) => {
    if (wanted.has(name)) return;
    wanted.add(name);
    byName.get(name)!.needs?.forEach(add);
  };
  (names.length > 0 ? names : STEPS.map(step => step.name)).forEach(add);
  return STEPS.filter(step => wanted.has(step.name));
}

interface Timing { name: string; what: string; start: number; end: number; seconds: number; cpuSeconds?: number; ok: boolean }

const seconds = (ms: number) => Math.round(ms / 100) / 10;
/** The children's line of bash's `times` ("1m2.5s 0m3.1s", with the locale's decimal mark): user + system seconds. */
function cpuSeconds(file: string): number | undefined {
  const text = existsSync(file) ? readFileSync(file, 'utf8').replace(/,/g, '.') : '';
  const children = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(text);
  if (!children) return undefined;
  const [, um, us, sm, ss] = children.map(Number);
  return Math.round(um * 60 + us + sm * 60 + ss);
}
const clock = (ms: number) => `${Math.floor(ms / 60000)}m${String(Math.round((ms % 60000) / 1000)).padStart(2, '0')}s`;

async function main() {
  const steps = selected(process.argv.slice(2));
  mkdirSync(LOGS, { recursive: true });
  const started = Date.now();
  const timings: Timing[] = [];
  const running = new Map<string, { step: Step; child: ChildProcess; start: number }>();
  const passed = new Set<string>();
  let waiting = [...steps];
  let failed: string | undefined;

  const report = () => writeFileSync(join(ROOT, 'test-reports', 'ci-times.json'),
    JSON.stringify({ started, ended: Date.now(), jobs: JOBS, steps: timings }, undefined, 2) + '\n');

  await new Promise<void>(done => {
    const launch = () => {
      if (failed === undefined) {
        for (const step of waiting) {
          if (!(step.needs ?? []).every(need => passed.has(need))) continue;
          // A step that keeps every core busy gets one step beside it, not JOBS - 1.
          const jobs = [...running.values()].some(r => r.step.allCores) ? Math.min(JOBS, 2) : JOBS;
          if (running.size >= jobs) break;
          start(step);
        }
      }
      if (running.size === 0) done();
    };
    const start = (step: Step) => {
      waiting = waiting.filter(s => s !== step);
      const log = join(LOGS, `${step.name}.log`);
      const out = createWriteStream(log);
      console.log(`▶ ${step.name} (${clock(Date.now() - started)})`);
      // bash's `times` adds up the CPU of the processes the step waited for, its own last line.
      const times = join(LOGS, `${step.name}.times`);
      rmSync(times, { force: true });
      const script = `${step.critical ? '' : LOWER_PRIORITY}${step.command}\nrc=$?; times > ${JSON.stringify(times)}; exit $rc`;
      // Its own session and process group, so that ending it ends what it started (jest workers, Maven).
      const command = step.critical ? ['bash', '-c', script] : ['nice', '-n', String(NICE), 'bash', '-c', script];
      const child = spawn(command[0], command.slice(1), { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.pipe(out, { end: false });
      child.stderr!.pipe(out, { end: false });
      running.set(step.name, { step, child, start: Date.now() });
      child.on('close', code => {
        out.end(() => {
          const end = Date.now();
          const { start: begin } = running.get(step.name)!;
          running.delete(step.name);
          const ok = code === 0;
          const [at, took, cpu] = [begin - started, seconds(end - begin), cpuSeconds(times)];
          timings.push({ name: step.name, what: step.what, start: at, end: end - started, seconds: took, cpuSeconds: cpu, ok });
          report();
          if (failed === undefined || ok) {
            process.stdout.write(readFileSync(log, 'utf8'));
            console.log(`${ok ? '✔' : '✘'} ${step.name}: ${seconds(end - begin)} s${ok ? '' : `, exit code ${code}`} (${clock(end - started)})\n`);
          }
          if (ok) {
            passed.add(step.name);
          } else if (failed === undefined) {
            failed = step.name;
            for (const other of running.values()) {
              console.log(`ending ${other.step.name}, which ${step.name}'s failure makes moot`);
              try { process.kill(-other.child.pid!, 'SIGTERM'); } catch { /* already gone */ }
            }
          }
          launch();
        });
      });
    };
    launch();
  });

  console.log(`step         start     time      cpu  (${JOBS} at once)`);
  for (const t of [...timings].sort((a, b) => a.start - b.start)) {
    console.log(`${t.name.padEnd(12)} ${clock(t.start).padStart(6)} ${String(t.seconds).padStart(6)} s ${String(t.cpuSeconds ?? '?').padStart(6)} s  ${t.ok ? '' : 'FAILED  '}${t.what}`);
  }
  console.log(`all steps: ${clock(Date.now() - started)}`);
  if (failed !== undefined) {
    console.error(`\n${failed} failed: its output is above, and in ${join('test-reports', 'ci', `${failed}.log`)}`);
    process.exit(1);
  }
}

void main();

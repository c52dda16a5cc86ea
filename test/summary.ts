// Prints one line per language suite of this run, from the reports each runner wrote: JUnit XML
// of jest (jest-junit; the kube-apiserver suite is one more jest run), pytest (--junitxml) and
// Maven Surefire, and the events of `go test -json`.
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';

const root = join(__dirname, '..');
const surefire = join(root, 'test/java/target/surefire-reports');
const suites: Array<[string, string[]]> = [
  ['typescript', [join(root, 'test-reports/junit.xml')]],
  ['typescript (peer floors)', [join(root, 'test-reports/floor.xml')]],
  ['python', [join(root, 'test-reports/python.xml')]],
  ['java', existsSync(surefire) ? readdirSync(surefire).filter(f => f.endsWith('.xml')).map(f => join(surefire, f)) : []],
  ['go', [join(root, 'test-reports/go.json')]],
  ['kubernetes', [join(root, 'test-reports/e2e.xml')]],
];

/** Sums the counts of every <testsuite> element of the reports, or of the test events of a `go test -json` report. */
function count(files: string[]) {
  const total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const file of files.filter(f => f.endsWith('.json'))) {
    for (const line of readFileSync(file, 'utf8').split('\n').filter(l => l.startsWith('{'))) {
      const event = JSON.parse(line);
      if (event.Test === undefined || !['pass', 'fail', 'skip'].includes(event.Action)) continue;
      total.tests++;
      if (event.Action === 'fail') total.failures++;
      if (event.Action === 'skip') total.skipped++;
    }
  }
  for (const file of files.filter(f => f.endsWith('.xml'))) {
    for (const [element] of readFileSync(file, 'utf8').matchAll(/<testsuite\s[^>]*>/g)) {
      for (const key of Object.keys(total) as Array<keyof typeof total>) {
        total[key] += Number(new RegExp(`\\s${key}="(\\d+)"`).exec(element)?.[1] ?? 0);
      }
    }
  }
  return total;
}

let missing = false;
const all = { passed: 0, failed: 0, skipped: 0 };
for (const [language, files] of suites) {
  const present = files.filter(existsSync);
  if (present.length === 0) {
    console.log(`${language}: no report found`);
    missing = true;
    continue;
  }
  const { tests, failures, errors, skipped } = count(present);
  const failed = failures + errors;
  const passed = tests - failed - skipped;
  all.passed += passed; all.failed += failed; all.skipped += skipped;
  console.log(`${language}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
}
console.log(`total: ${all.passed} passed, ${all.failed} failed, ${all.skipped} skipped`);
if (missing || all.failed > 0) process.exit(1);

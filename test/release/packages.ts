// What each registry gets: the npm tarball's files, the Maven POM's metadata (what Maven Central
// requires) and the jar's sources and javadoc, the wheel's license and project URLs. Prints one
// line per check and exits non-zero on the first that fails.
import { execFileSync } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
let failed = false;
function check(what: string, ok: boolean, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${ok || !detail ? '' : `: ${detail}`}`);
  failed ||= !ok;
}
const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
  .flatMap(entry => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]));

// npm: `npm pack --dry-run --json` lists what the tarball would hold.
const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }));
const packed: string[] = pack.files.map((f: { path: string }) => f.path);
for (const required of ['lib/index.js', 'lib/index.d.ts', 'lib/cli/index.js', '.jsii', 'API.md', 'README.md', 'LICENSE', 'package.json']) {
  check(`npm tarball holds ${required}`, packed.includes(required));
}
const stray = packed.filter(path => /^(test|example|bench|src|projenrc|\.github)\//.test(path) || path.startsWith('.projen'));
check('npm tarball holds nothing of test/, example/, bench/, src/ or the project\'s configuration', stray.length === 0, stray.join(', '));

// Maven: the repository layout under dist/java, with the POM, sources and javadoc jars Central requires.
const java = files(join(ROOT, 'dist', 'java'));
const pomFile = java.find(f => f.endsWith('.pom'));
check('dist/java has a POM', pomFile !== undefined);
const pom = pomFile ? readFileSync(pomFile, 'utf8') : '';
for (const [what, pattern] of [
  // jsii-pacmak names it `${project.groupId}:${project.artifactId}`, which Maven expands.
  ['name', /<modelVersion>4\.0\.0<\/modelVersion>\s*<name>[^<]+<\/name>/], ['description', /<description>.+<\/description>/], ['url', /<url>https:\/\/github\.com\/cdk-eks-oidc\/cdk-eks-oidc(\.git)?<\/url>/],
  ['license', /<licenses>\s*<license>\s*<name>Apache License 2\.0<\/name>/], ['scm', /<scm>\s*<connection>.+<\/connection>\s*<url>.+<\/url>\s*<\/scm>/],
  ['developer', /<developers>\s*<developer>\s*<name>cdk-eks-oidc maintainers<\/name>/],
] as Array<[string, RegExp]>) {
  check(`POM has the ${what} Maven Central requires`, pattern.test(pom));
}
for (const classifier of ['', '-sources', '-javadoc']) {
  check(`dist/java has the ${classifier.slice(1) || 'main'} jar`, java.some(f => new RegExp(`cdk-eks-oidc-[0-9.]+${classifier}\\.jar$`).test(f)));
}

// PyPI: the wheel's METADATA.
const wheel = files(join(ROOT, 'dist', 'python')).find(f => f.endsWith('.whl'));
check('dist/python has a wheel', wheel !== undefined);
const metadata = wheel ? execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); '
  + 'print(z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode())', wheel], { encoding: 'utf8' }) : '';
check('wheel metadata names the license', /^License(-Expression)?: Apache-2\.0$/m.test(metadata), metadata.split('\n').filter(l => l.startsWith('License')).join(' '));
check('wheel metadata has the project URLs', /^Project-URL: Source, https:\/\/github\.com\/cdk-eks-oidc\/cdk-eks-oidc/m.test(metadata)
  && /^Home-page: https:\/\/github\.com\/cdk-eks-oidc\/cdk-eks-oidc/m.test(metadata), metadata.split('\n').filter(l => /^(Project-URL|Home-page)/.test(l)).join(' '));

if (failed) process.exit(1);
console.log('release checks: every package holds what its registry needs');

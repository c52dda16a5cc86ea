// cfn-lint, the CloudFormation linter, on every template we can make: the example app (as
// `npx projen example` synthesized it into example/cdk.out), the integration test's snapshot, and
// apps of generated valid configurations (tokens and RBAC bindings included). Fails on any error,
// and on any finding at all on our resources.
// Usage: ts-node test/cfn-lint/lint.ts <path of the cfn-lint program>
import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { RoleRef } from '../../src';
import { newStackIn, providerFrom } from '../property/apps';
import { validProps } from '../property/arbitraries';

const ROOT = join(__dirname, '..', '..');
/** One cfn-lint finding, as `--format json` prints it. */
interface Finding { Filename: string; Level: string; Message: string; Rule: { Id: string }; Location: { Path: string[] | null } }
/** Resource types this library creates; aws-cdk-lib's others (VPC, roles, Lambda) are not ours. */
const OURS = new Set(['AWS::EKS::IdentityProviderConfig', 'Custom::AWSCDK-EKS-KubernetesResource']);
const SAMPLE_APPS = 5;
const PROVIDERS_PER_APP = 20;

const outdir = mkdtempSync(join(tmpdir(), 'cdk-eks-oidc-cfn-lint-'));
const templates: string[] = [];
const templatesOf = (dir: string) => readdirSync(dir).filter(f => f.endsWith('.template.json')).map(f => join(dir, f));
try {
  const example = join(ROOT, 'example', 'cdk.out');
  if (!existsSync(example)) throw new Error(`no ${example}: run \`npx projen example\` first`);
  templates.push(...templatesOf(example));

  for (const snapshot of readdirSync(join(ROOT, 'test')).filter(f => f.startsWith('integ.') && f.endsWith('.snapshot'))) {
    templates.push(...templatesOf(join(ROOT, 'test', snapshot)));
  }

  const samples = fc.sample(fc.array(validProps(true), { minLength: PROVIDERS_PER_APP, maxLength: PROVIDERS_PER_APP }),
    { numRuns: SAMPLE_APPS, seed: 20261128 });
  samples.forEach((configs, i) => {
    const app = new App({ outdir: join(outdir, `sample-${i}`) });
    const stack = newStackIn(app, `Sample${i}`);
    configs.forEach((props, j) => {
      const provider = providerFrom(stack, `P${j}`, props);
      provider.addRoleBinding('Binding', { namespace: 'team-a', role: RoleRef.clusterRole('view'), users: ['0a1b2c'] });
    });
    templates.push(...templatesOf(app.synth().directory));
  });

  let output = '[]';
  try {
    output = execFileSync(process.argv[2], ['--format', 'json', ...templates], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  } catch (error: any) {
    output = error.stdout; // cfn-lint exits non-zero when it finds anything
  }
  const findings = JSON.parse(output) as Finding[];
  const typeOf = (file: string, path: string[] | null) => path?.[0] === 'Resources'
    ? JSON.parse(readFileSync(file, 'utf8')).Resources[path[1]]?.Type : undefined;
  const failing = findings.filter(f => f.Level === 'Error' || OURS.has(typeOf(f.Filename, f.Location.Path)));
  const theirs = findings.filter(f => !failing.includes(f));

  console.log(`cfn-lint on ${templates.length} templates (example app, integ snapshot, ${SAMPLE_APPS * PROVIDERS_PER_APP} generated providers)`);
  for (const f of theirs) console.log(`  aws-cdk-lib's, not ours: ${f.Rule.Id} ${f.Level} ${(f.Location.Path ?? []).slice(0, 2).join('/')}: ${f.Message}`);
  for (const f of failing) console.log(`  FAIL ${f.Rule.Id} ${f.Level} ${f.Filename} ${(f.Location.Path ?? []).join('/')}: ${f.Message}`);
  console.log(`cfn-lint: ${templates.length - new Set(failing.map(f => f.Filename)).size} passed, ${new Set(failing.map(f => f.Filename)).size} failed`);
  process.exitCode = failing.length > 0 ? 1 : 0;
} finally {
  rmSync(outdir, { recursive: true, force: true });
}

// `cdk-eks-oidc explain` as a process, on the example app's template: exit codes and output.
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { PlatformStack } from '../example/platform-stack';
import { OidcIdentityProvider, OidcIssuer } from '../src';
import { importedCluster } from './util';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..');
const OKTA = 'https://example.okta.com/oauth2/default';
const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: Record<string, unknown>) => {
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'RS256' })}.${part({ exp: now + 600, iat: now, ...claims })}.c2ln`;
};
const ALICE = jwt({ iss: OKTA, aud: '0oa1b2c3d4e5f6g7h8i9', sub: '00u1', email: 'alice@example.com', groups: ['engineering'] });

/** What the CDK CLI's `cdk synth` adds: the construct path of every resource in its metadata. */
const CLI_CONTEXT = { 'aws:cdk:enable-path-metadata': true };
let dir: string;
let template: string;

/** Runs the command from its source, as `npx cdk-eks-oidc` runs its compiled form. */
function cli(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', '--project', join(ROOT, 'tsconfig.dev.json'),
    join(ROOT, 'src', 'cli', 'index.ts'), ...args], { cwd: ROOT, input, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cdk-eks-oidc-cli-'));
  const app = new App({ outdir: join(dir, 'cdk.out'), context: CLI_CONTEXT });
  new PlatformStack(app, 'EksOidcExample');
  const assembly = app.synth();
  template = join(assembly.directory, assembly.getStackByName('EksOidcExample').templateFile);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a token one provider accepts: exit 0, its user and groups, and every other provider\'s reasons', () => {
  const { code, stdout } = cli(['explain', '--template', template, '--token', ALICE]);
  expect(code).toBe(0);
  expect(stdout).toMatch(/^OktaAEAF4CA7 \(EksOidcExample-Okta-823E364D\) at EksOidcExample\/Okta\/Resource\n {2}accepted \(token expires [^)]+\): user "alice@example.com", groups "okta:engineering" \(and system:authenticated\)/);
  expect(stdout).toContain(`  - iss: found "${OKTA}", expected exactly "https://sso.example.com/realms/ci"`);
  expect(stdout).toContain('  - repository_owner: found nothing, expected exactly "example-org" (a required claim)');
  expect(stdout).toMatch(/The signature is not checked/);
});

test.each([
  ['logical id', 'KeycloakDBBA2FFF'], ['configuration name', 'EksOidcExample-Keycloak-F5657BC3'], ['construct path', 'EksOidcExample/Keycloak'],
])('--provider by %s: only that one; none accepts, exit 1', (_, name) => {
  const { code, stdout } = cli(['explain', '--template', template, '--provider', name, '--token', ALICE]);
  expect(code).toBe(1);
  expect(stdout.startsWith('KeycloakDBBA2FFF (EksOidcExample-Keycloak-F5657BC3) at EksOidcExample/Keycloak/Resource\n  refused')).toBe(true);
  expect(stdout).not.toContain('Okta');
});

test('--json, with the token from standard input and from a file', () => {
  const file = join(dir, 'token');
  writeFileSync(file, `${ALICE}\n`);
  for (const run of [cli(['explain', '--template', template, '--json', '-'], ALICE), cli(['explain', '--template', template, '--json', '--token-file', file])]) {
    expect(run.code).toBe(0);
    const reports = JSON.parse(run.stdout);
    expect(reports.map((r: any) => [r.logicalId, r.explanation.accepted])).toEqual([['OktaAEAF4CA7', true], ['KeycloakDBBA2FFF', false], ['GitHubActions18B8E644', false]]);
    expect(reports[0].explanation).toMatchObject({ username: 'alice@example.com', groups: ['okta:engineering'], problems: [], issuer: OKTA });
  }
});

test('a provider whose settings are deploy-time values is not judged, not refused', () => {
  const app = new App({ outdir: join(dir, 'cognito.out'), context: CLI_CONTEXT });
  const stack = new Stack(app, 'Cognito');
  const pool = new cognito.UserPool(stack, 'Pool');
  new OidcIdentityProvider(stack, 'Provider', { cluster: importedCluster(stack), issuer: OidcIssuer.cognitoUserPool(pool), clientId: 'kubernetes' });
  const assembly = app.synth();
  const { code, stdout } = cli(['explain', '--template', join(assembly.directory, assembly.getStackByName('Cognito').templateFile), '--token', ALICE]);
  expect(code).toBe(1);
  expect(stdout).toMatch(/^Provider[0-9A-F]{8} \(Cognito-Provider-[0-9A-F]{8}\) at Cognito\/Provider\/Resource\n {2}not judged: issuerUrl is resolved by CloudFormation at deploy time/);
});

test.each([
  ['a missing template', ['explain', '--template', 'missing.json', '--token', 'x'], /^cdk-eks-oidc: cannot read the template missing.json: ENOENT/],
  ['a template without providers', ['explain', '--template', 'package.json', '--token', 'x'], /^cdk-eks-oidc: package.json has no AWS::EKS::IdentityProviderConfig/],
  ['an unknown provider', ['explain', '--template', '<template>', '--provider', 'Nope', '--token', 'x'], /^cdk-eks-oidc: no provider "Nope" in .*; it has OktaAEAF4CA7, KeycloakDBBA2FFF, GitHubActions18B8E644/],
  ['no token', ['explain', '--template', '<template>'], /^cdk-eks-oidc: give the token in exactly one way/],
  ['two tokens', ['explain', '--template', '<template>', '--token', 'x', '-'], /^cdk-eks-oidc: give the token in exactly one way/],
  ['an unknown option', ['explain', '--tempalte', 'x'], /^cdk-eks-oidc: unknown option "--tempalte"/],
  ['an unknown command', ['explian'], /^cdk-eks-oidc: unknown command "explian": the command is "explain"/],
])('%s: exit 2, a clear message, no stack trace', (_, args, message) => {
  const { code, stdout, stderr } = cli(args.map(a => (a === '<template>' ? template : a)));
  expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
  expect(stderr).toMatch(message);
  expect(stderr).toMatch(/Run cdk-eks-oidc --help for how to use it.\n$/);
  expect(stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
});

test('--help explains itself', () => {
  const { code, stdout } = cli(['--help']);
  expect(code).toBe(0);
  expect(stdout).toMatch(/^Usage: cdk-eks-oidc explain --template <file>/);
  expect(stdout).toContain('kubectl oidc-login get-token');
});

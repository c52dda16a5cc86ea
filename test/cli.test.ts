// `cdk-eks-oidc explain`, called in-process through main() on a synthesized template: exit codes
// and output. One test runs it as a process, as `npx cdk-eks-oidc` does.
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, CfnParameter, CfnResource, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Node } from 'constructs';
import { OidcIdentityProvider, OidcIssuer } from '../src';
import { importedCluster } from './util';
import { main } from '../src/cli';

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

/** A provider of the template: its logical id and configuration name. */
interface Listed { readonly logicalId: string; readonly name: string }
let okta: Listed;
let keycloak: Listed;
let gitHub: Listed;
/** The template of a stack like the example's: people through Okta, CI through Keycloak and GitHub Actions. */
let template: string;

/** Synthesizes an app with path metadata, as `cdk synth` does, and returns the template of its one stack. */
function synthesize(name: string, build: (stack: Stack) => void): string {
  const app = new App({ outdir: join(dir, `${name}.out`), context: CLI_CONTEXT });
  build(new Stack(app, name));
  const assembly = app.synth();
  return join(assembly.directory, assembly.getStackByName(name).templateFile);
}

/** Runs main() in-process, with what it writes to standard output and error. */
function cli(args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const capture = (into: string[]) => (chunk: unknown) => {
    into.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture(stdout));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture(stderr));
  try {
    const code = main(args);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cdk-eks-oidc-cli-'));
  template = synthesize('Platform', stack => {
    const cluster = importedCluster(stack);
    const listed = (provider: OidcIdentityProvider): Listed => ({
      logicalId: stack.getLogicalId(provider.node.defaultChild as CfnResource), name: provider.identityProviderConfigName,
    });
    okta = listed(new OidcIdentityProvider(stack, 'Okta', {
      cluster, issuer: OidcIssuer.okta({ domain: 'example.okta.com' }), clientId: '0oa1b2c3d4e5f6g7h8i9', groupsPrefix: 'okta:',
    }));
    keycloak = listed(new OidcIdentityProvider(stack, 'Keycloak', {
      cluster, issuer: OidcIssuer.fromUrl('https://sso.example.com/realms/ci'), clientId: 'kubernetes',
    }));
    gitHub = listed(new OidcIdentityProvider(stack, 'GitHubActions', {
      cluster, issuer: OidcIssuer.gitHubActions({ owner: 'example-org', repository: 'platform' }), clientId: 'eks-example',
    }));
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a token one provider accepts: exit 0, its user and groups, and every other provider\'s reasons', () => {
  const { code, stdout, stderr } = cli(['explain', '--template', template, '--token', ALICE]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(okta.logicalId).toMatch(/^Okta[0-9A-F]{8}$/);
  expect(stdout.startsWith(`${okta.logicalId} (${okta.name}) at Platform/Okta/Resource\n  accepted (token expires `)).toBe(true);
  expect(stdout).toMatch(/\n {2}accepted \(token expires [^)]+\): user "alice@example.com", groups "okta:engineering" \(and system:authenticated\)\n/);
  expect(stdout).toContain(`${keycloak.logicalId} (${keycloak.name}) at Platform/Keycloak/Resource\n  refused`);
  expect(stdout).toContain(`  - iss: found "${OKTA}", expected exactly "https://sso.example.com/realms/ci"`);
  expect(stdout).toContain('  - repository_owner: found nothing, expected exactly "example-org" (a required claim)');
  expect(stdout).toMatch(/\n\nThe signature is not checked: a token that was not signed by the issuer is refused whatever it says.\n$/);
});

test.each([
  ['logical id', () => keycloak.logicalId], ['configuration name', () => keycloak.name], ['construct path', () => 'Platform/Keycloak'],
  ['resource path', () => 'Platform/Keycloak/Resource'],
])('--provider by %s: only that one; none accepts, exit 1', (_, name) => {
  const { code, stdout } = cli(['explain', '--template', template, '--provider', name(), '--token', ALICE]);
  expect(code).toBe(1);
  expect(stdout.startsWith(`${keycloak.logicalId} (${keycloak.name}) at Platform/Keycloak/Resource\n  refused`)).toBe(true);
  expect(stdout).not.toContain('Okta');
});

test('--json, with the token from a file', () => {
  const file = join(dir, 'token');
  writeFileSync(file, `${ALICE}\n`);
  const { code, stdout } = cli(['explain', '--template', template, '--json', '--token-file', file]);
  expect(code).toBe(0);
  const reports = JSON.parse(stdout);
  expect(reports.map((r: any) => [r.logicalId, r.identityProviderConfigName, r.path, r.explanation.accepted])).toEqual([
    [okta.logicalId, okta.name, 'Platform/Okta/Resource', true],
    [keycloak.logicalId, keycloak.name, 'Platform/Keycloak/Resource', false],
    [gitHub.logicalId, gitHub.name, 'Platform/GitHubActions/Resource', false],
  ]);
  expect(reports[0].explanation).toMatchObject({ username: 'alice@example.com', groups: ['okta:engineering'], problems: [], issuer: OKTA });
});

test('a provider whose settings are deploy-time values is not judged, not refused', () => {
  const cognitoTemplate = synthesize('Cognito', stack => {
    const pool = new cognito.UserPool(stack, 'Pool');
    new OidcIdentityProvider(stack, 'Provider', { cluster: importedCluster(stack), issuer: OidcIssuer.cognitoUserPool(pool), clientId: 'kubernetes' });
    new OidcIdentityProvider(stack, 'Both', {
      cluster: importedCluster(stack, 'other'), issuer: OidcIssuer.cognitoUserPool(pool), clientId: new CfnParameter(stack, 'ClientId').valueAsString,
    });
  });
  const { code, stdout } = cli(['explain', '--template', cognitoTemplate, '--token', ALICE]);
  expect(code).toBe(1);
  expect(stdout).toMatch(/^Provider[0-9A-F]{8} \(Cognito-Provider-[0-9A-F]{8}\) at Cognito\/Provider\/Resource\n {2}not judged: issuerUrl is resolved by CloudFormation at deploy time\n/);
  expect(stdout).toMatch(/\n {2}not judged: issuerUrl, clientId are resolved by CloudFormation at deploy time\n/);
});

describe('the CLI judges from the settings alone, without an app', () => {
  /** A template as another tool (or an older release) may write it, with settings EKS refuses. */
  function handWritten(oidc: Record<string, unknown>): string {
    const file = join(dir, `hand-written-${Math.random().toString(16).slice(2)}.json`);
    writeFileSync(file, JSON.stringify({
      Resources: {
        Refused: { Type: 'AWS::EKS::IdentityProviderConfig', Properties: { ClusterName: 'prod', Type: 'oidc', IdentityProviderConfigName: 'refused', Oidc: oidc } },
        Okta: {
          Type: 'AWS::EKS::IdentityProviderConfig',
          Properties: {
            ClusterName: 'prod',
            Type: 'oidc',
            IdentityProviderConfigName: 'okta',
            Oidc: { IssuerUrl: OKTA, ClientId: '0oa1b2c3d4e5f6g7h8i9', UsernameClaim: 'email', GroupsClaim: 'groups' },
          },
        },
      },
    }));
    return file;
  }

  test('settings EKS would refuse: that provider is "not judged", the others are', () => {
    const file = handWritten({ IssuerUrl: 'http://idp.example.com', ClientId: 'kubernetes' });
    const { code, stdout, stderr } = cli(['explain', '--template', file, '--token', ALICE]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^Refused \(refused\)\n {2}not judged: its settings are invalid: Invalid issuerUrl "http:\/\/idp.example.com": /);
    expect(stdout).toMatch(/\n\nOkta \(okta\)\n {2}accepted \(token expires [^)]+\): user "alice@example.com", groups "engineering"/);
  });

  test('every problem of the settings, without a construct path', () => {
    const file = handWritten({ IssuerUrl: 'https://idp.example.com', ClientId: ' kubernetes', UsernamePrefix: 'system:' });
    const [report] = JSON.parse(cli(['explain', '--template', file, '--json', '--token', ALICE]).stdout);
    expect(report.notJudged).toMatch(/^its settings are invalid: Invalid clientId " kubernetes": .*; Invalid usernamePrefix "system:": /);
    expect(report.notJudged).not.toMatch(/ at |\[cdk-eks-oidc:/);
  });

  test('no construct is created, so no App either', () => {
    // Every construct but a root is added to its scope through this (TypeScript-private) method.
    const addChild = jest.spyOn(Node.prototype as unknown as { addChild: () => void }, 'addChild');
    try {
      const file = handWritten({ IssuerUrl: 'http://idp.example.com', ClientId: 'kubernetes' });
      expect(cli(['explain', '--template', file, '--token', ALICE]).code).toBe(0);
      expect(cli(['explain', '--template', template, '--token', ALICE]).code).toBe(0);
      expect(addChild).not.toHaveBeenCalled();
      // The spy sees the constructs an App and a Stack are made of.
      new Stack(new App(), 'Control');
      expect(addChild).toHaveBeenCalled();
    } finally {
      addChild.mockRestore();
    }
  });
});

test.each([
  ['a missing template', ['explain', '--template', 'missing.json', '--token', 'x'], /^cdk-eks-oidc: cannot read the template missing.json: ENOENT/],
  ['a template that is not JSON', ['explain', '--template', '<not json>', '--token', 'x'], /^cdk-eks-oidc: .*not-json.txt is not a JSON template: /],
  ['a template without providers', ['explain', '--template', '<no providers>', '--token', 'x'], /^cdk-eks-oidc: .*empty.json has no AWS::EKS::IdentityProviderConfig/],
  ['an unknown provider', ['explain', '--template', '<template>', '--provider', 'Nope', '--token', 'x'],
    /^cdk-eks-oidc: no provider "Nope" in .*; it has Okta[0-9A-F]{8}, Keycloak[0-9A-F]{8}, GitHubActions[0-9A-F]{8}\n/],
  ['a missing template option', ['explain', '--token', 'x'], /^cdk-eks-oidc: --template <file> is required/],
  ['an option without its value', ['explain', '--template'], /^cdk-eks-oidc: --template needs a value/],
  ['no token', ['explain', '--template', '<template>'], /^cdk-eks-oidc: give the token in exactly one way/],
  ['two tokens', ['explain', '--template', '<template>', '--token', 'x', '-'], /^cdk-eks-oidc: give the token in exactly one way/],
  ['a missing token file', ['explain', '--template', '<template>', '--token-file', 'missing-token'], /^cdk-eks-oidc: cannot read the token missing-token: ENOENT/],
  ['an unknown option', ['explain', '--tempalte', 'x'], /^cdk-eks-oidc: unknown option "--tempalte"/],
  ['an unknown command', ['explian'], /^cdk-eks-oidc: unknown command "explian": the command is "explain"/],
  ['no command', [], /^cdk-eks-oidc: unknown command "": the command is "explain"/],
])('%s: exit 2, a clear message, no stack trace', (_, args, message) => {
  writeFileSync(join(dir, 'not-json.txt'), 'not json');
  writeFileSync(join(dir, 'empty.json'), JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }));
  const files: Record<string, string> = { '<template>': template, '<not json>': join(dir, 'not-json.txt'), '<no providers>': join(dir, 'empty.json') };
  const { code, stdout, stderr } = cli(args.map(a => files[a] ?? a));
  expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
  expect(stderr).toMatch(message);
  expect(stderr).toMatch(/\nRun cdk-eks-oidc --help for how to use it.\n$/);
  expect(stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
});

test.each([[['--help']], [['-h']], [['explain', '--template', 'x', '--help']]])('%j explains itself', args => {
  const { code, stdout, stderr } = cli(args);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toMatch(/^Usage: cdk-eks-oidc explain --template <file>/);
  expect(stdout).toContain('kubectl oidc-login get-token');
});

test('as a process, as npx runs it: the token from standard input, JSON out, exit code 0', () => {
  // From its source, as `npx cdk-eks-oidc` runs its compiled form (lib/ may be stale or absent).
  const result = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', '--project', join(ROOT, 'tsconfig.dev.json'),
    join(ROOT, 'src', 'cli', 'index.ts'), 'explain', '--template', template, '--json', '-'], { cwd: ROOT, input: ALICE, encoding: 'utf8' });
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  expect(JSON.parse(result.stdout).map((r: any) => [r.logicalId, r.explanation.accepted]))
    .toEqual([[okta.logicalId, true], [keycloak.logicalId, false], [gitHub.logicalId, false]]);
});

// `cdk-eks-oidc explain`, called in-process through main() on a synthesized template: exit codes
// and output. One test runs it as a process, as `npx cdk-eks-oidc` does; cli-fuzz.test.ts runs
// many more, and fuzzes both.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, CfnParameter, CfnResource, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Node } from 'constructs';
import { OidcIdentityProvider, OidcIssuer, TokenJudge } from '../src';
import { OidcIssuer as TestIssuer } from './e2e/oidc-issuer';
import { IssuerVariants, startIssuerVariants, throwAwayCertificate } from './issuer-variants';
import { importedCluster } from './util';
import { main } from '../src/cli';
import { fetchJwks } from '../src/cli/doctor';
import { DoctorOutput, ExplainOutput } from '../src/cli/output';
import { secretsOf } from '../src/cli/secrets';

jest.setTimeout(120_000);

// Standard input is the test runner's: a test gives main() a token there through this mock.
const ACTUAL_READ_SYNC: typeof fs.readSync = jest.requireActual('fs').readSync;
jest.mock('fs', () => ({ ...jest.requireActual('fs'), readSync: jest.fn(jest.requireActual('fs').readSync) }));
// A test makes this throw, to see what main() does with an error it does not expect.
jest.mock('../src/cli/secrets', () => ({ ...jest.requireActual('../src/cli/secrets'), secretsOf: jest.fn(jest.requireActual('../src/cli/secrets').secretsOf) }));
// A CA the `doctor` tests pretend is public (one of Node's roots): its issuer passes every check.
const mockPublicRoots: string[] = [];
jest.mock('tls', () => {
  const actual = jest.requireActual('tls');
  return { ...actual, get rootCertificates() { return [...actual.rootCertificates, ...mockPublicRoots]; } };
});

const ROOT = join(__dirname, '..');
const OKTA = 'https://example.okta.com/oauth2/default';
const SIGNATURE = 'c2lnbmF0dXJlLW5ldmVyLXByaW50ZWQ';
const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: Record<string, unknown>) => {
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'RS256' })}.${part({ exp: now + 600, iat: now, ...claims })}.${SIGNATURE}`;
};
const ALICE_CLAIMS = { iss: OKTA, aud: '0oa1b2c3d4e5f6g7h8i9', sub: '00u1', email: 'alice@example.com', groups: ['engineering'] };
const ALICE = jwt(ALICE_CLAIMS);
/** What must never be printed: characters a terminal acts on, or that reorder or hide text. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;
const STACK_TRACE = /\n\s+at .*:\d+(:\d+)?\)?\n|node_modules|node:internal/;

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
async function cli(args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const capture = (into: string[]) => (chunk: unknown) => {
    into.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture(stdout));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture(stderr));
  try {
    const code = await main(args);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** Writes a file of the test's folder; returns its path. */
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A template as another tool (or an older release) may write it, and a provider of it that accepts ALICE. */
function handWritten(resources: Record<string, unknown>, okay = true): string {
  return file(`hand-written-${Math.random().toString(16).slice(2)}.json`, JSON.stringify({
    Resources: {
      ...resources,
      ...okay ? {
        Okta: {
          Type: 'AWS::EKS::IdentityProviderConfig',
          Properties: {
            ClusterName: 'prod',
            Type: 'oidc',
            IdentityProviderConfigName: 'okta',
            Oidc: { IssuerUrl: OKTA, ClientId: '0oa1b2c3d4e5f6g7h8i9', UsernameClaim: 'email', GroupsClaim: 'groups' },
          },
        },
      } : {},
    },
  }));
}

/** An IdentityProviderConfig resource with these OIDC settings. */
const config = (oidc: unknown, rest: Record<string, unknown> = {}) =>
  ({ Type: 'AWS::EKS::IdentityProviderConfig', Properties: { ClusterName: 'prod', Type: 'oidc', IdentityProviderConfigName: 'refused', Oidc: oidc }, ...rest });

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
      cluster, issuer: OidcIssuer.gitHubActions({ ownerId: '123456789', owner: 'example-org', repositoryId: '987654321', repository: 'platform' }), clientId: 'eks-example',
    }));
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a token one provider accepts: exit 0, its user and groups, and every other provider\'s reasons', async () => {
  const { code, stdout, stderr } = await cli(['explain', '--template', template, '--token', ALICE]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(okta.logicalId).toMatch(/^Okta[0-9A-F]{8}$/);
  expect(stdout.startsWith(`${okta.logicalId} (${okta.name}) at Platform/Okta/Resource\n  accepted (token expires `)).toBe(true);
  expect(stdout).toMatch(/\n {2}accepted \(token expires [^)]+\): user "alice@example.com", groups "okta:engineering" \(and system:authenticated\)\n/);
  expect(stdout).toContain(`${keycloak.logicalId} (${keycloak.name}) at Platform/Keycloak/Resource\n  refused`);
  expect(stdout).toContain(`  - iss: found "${OKTA}", expected exactly "https://sso.example.com/realms/ci"`);
  expect(stdout).toContain('  - repository_owner: found nothing, expected exactly "example-org" (a required claim)');
  expect(stdout).toMatch(/\n\nThe signature is not checked: a token that was not signed by the issuer is refused whatever it says. Give the issuer's keys \(--jwks <file> or --fetch-keys\) to check it.\n$/);
});

test.each([
  ['logical id', () => keycloak.logicalId], ['configuration name', () => keycloak.name], ['construct path', () => 'Platform/Keycloak'],
  ['resource path', () => 'Platform/Keycloak/Resource'],
])('--provider by %s: only that one; none accepts, exit 1', async (_, name) => {
  const { code, stdout } = await cli(['explain', '--template', template, '--provider', name(), '--token', ALICE]);
  expect(code).toBe(1);
  expect(stdout.startsWith(`${keycloak.logicalId} (${keycloak.name}) at Platform/Keycloak/Resource\n  refused`)).toBe(true);
  expect(stdout).not.toContain('Okta');
});

describe('--json: the schema ExplainOutput, version 1', () => {
  /** The fields of the schema: a field added to the output must be added to the interface (and its doc) too. */
  const TOP: (keyof ExplainOutput)[] = ['schemaVersion', 'verdict', 'exitCode', 'providers', 'signatureChecked', 'error'];
  const PROVIDER: (keyof ExplainOutput['providers'][number])[] = ['logicalId', 'identityProviderConfigName', 'path', 'verdict', 'username', 'groups',
    'problems', 'expiresAt', 'issuer', 'signatureChecked', 'notJudged'];
  const fieldsOf = (output: ExplainOutput) => [Object.keys(output), ...output.providers.map(p => Object.keys(p))];

  test('the verdict of each provider, and of the run; the token from a file', async () => {
    const { code, stdout, stderr } = await cli(['explain', '--template', template, '--json', '--token-file', file('token', `${ALICE}\n`)]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const output: ExplainOutput = JSON.parse(stdout);
    expect(output).toMatchObject({ schemaVersion: 1, verdict: 'accepted', exitCode: 0 });
    expect(output.providers.map(p => [p.logicalId, p.identityProviderConfigName, p.path, p.verdict])).toEqual([
      [okta.logicalId, okta.name, 'Platform/Okta/Resource', 'accepted'],
      [keycloak.logicalId, keycloak.name, 'Platform/Keycloak/Resource', 'refused'],
      [gitHub.logicalId, gitHub.name, 'Platform/GitHubActions/Resource', 'refused'],
    ]);
    expect(output.providers[0]).toEqual({
      logicalId: okta.logicalId,
      identityProviderConfigName: okta.name,
      path: 'Platform/Okta/Resource',
      verdict: 'accepted',
      username: 'alice@example.com',
      groups: ['okta:engineering'],
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      issuer: OKTA,
      signatureChecked: false,
    });
    expect(output.providers[1]).toEqual({
      logicalId: keycloak.logicalId,
      identityProviderConfigName: keycloak.name,
      path: 'Platform/Keycloak/Resource',
      verdict: 'refused',
      problems: expect.arrayContaining([expect.stringMatching(/^iss: found /)]),
      expiresAt: expect.any(String),
      issuer: OKTA,
      signatureChecked: false,
    });
    for (const fields of fieldsOf(output).slice(1)) expect(PROVIDER).toEqual(expect.arrayContaining(fields));
    expect(TOP).toEqual(expect.arrayContaining(Object.keys(output)));
  });

  test('refused by every provider: verdict refused, exit 1', async () => {
    const { code, stdout } = await cli(['explain', '--template', template, '--json', '--token', jwt({ ...ALICE_CLAIMS, aud: 'other' })]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ schemaVersion: 1, verdict: 'refused', exitCode: 1 });
  });

  test('a usage error is a document too, on standard output, exit 2', async () => {
    const { code, stdout, stderr } = await cli(['explain', '--json', '--template', join(dir, 'missing.json'), '--token', ALICE]);
    expect(code).toBe(2);
    const output = JSON.parse(stdout);
    expect(output).toEqual({ schemaVersion: 1, verdict: 'usage-error', exitCode: 2, providers: [], error: expect.stringMatching(/^cannot read the template .*ENOENT/) });
    expect(stderr).toBe(`cdk-eks-oidc: ${output.error}\nRun cdk-eks-oidc --help for how to use it.\n`);
  });

  test('--token --json: --json is no token, but an option whose value is missing', async () => {
    const { code, stdout, stderr } = await cli(['explain', '--template', template, '--token', '--json']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^cdk-eks-oidc: --token needs a value: --token <jwt>\n/);
    expect(JSON.parse(stdout)).toMatchObject({ verdict: 'usage-error', error: '--token needs a value: --token <jwt>' });
  });
});

test('a provider whose settings are deploy-time values is not judged, not refused: exit 3 when none can be judged', async () => {
  const cognitoTemplate = synthesize('Cognito', stack => {
    const pool = new cognito.UserPool(stack, 'Pool');
    new OidcIdentityProvider(stack, 'Provider', { cluster: importedCluster(stack), issuer: OidcIssuer.cognitoUserPool(pool), clientId: 'kubernetes' });
    new OidcIdentityProvider(stack, 'Both', {
      cluster: importedCluster(stack, 'other'), issuer: OidcIssuer.cognitoUserPool(pool), clientId: new CfnParameter(stack, 'ClientId').valueAsString,
    });
  });
  const { code, stdout } = await cli(['explain', '--template', cognitoTemplate, '--token', ALICE]);
  expect(code).toBe(3);
  expect(stdout).toMatch(/^Provider[0-9A-F]{8} \(Cognito-Provider-[0-9A-F]{8}\) at Cognito\/Provider\/Resource\n {2}not judged: issuerUrl is resolved by CloudFormation at deploy time\n/);
  expect(stdout).toMatch(/\n {2}not judged: issuerUrl, clientId are resolved by CloudFormation at deploy time\n/);
  expect(JSON.parse((await cli(['explain', '--template', cognitoTemplate, '--token', ALICE, '--json'])).stdout))
    .toMatchObject({ verdict: 'not-judged', exitCode: 3, providers: [{ verdict: 'not-judged' }, { verdict: 'not-judged' }] });
});

describe('the CLI judges from the settings alone, without an app', () => {
  test('settings EKS would refuse: that provider is "not judged", the others are', async () => {
    const refused = handWritten({ Refused: config({ IssuerUrl: 'http://idp.example.com', ClientId: 'kubernetes' }) });
    const { code, stdout, stderr } = await cli(['explain', '--template', refused, '--token', ALICE]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^Refused \(refused\)\n {2}not judged: its settings are invalid: Invalid issuerUrl "http:\/\/idp.example.com": /);
    expect(stdout).toMatch(/\n\nOkta \(okta\)\n {2}accepted \(token expires [^)]+\): user "alice@example.com", groups "engineering"/);
  });

  test('every problem of the settings, without a construct path', async () => {
    const invalid = handWritten({ Refused: config({ IssuerUrl: 'https://idp.example.com', ClientId: ' kubernetes', UsernamePrefix: 'system:' }) });
    const { providers: [report] } = JSON.parse((await cli(['explain', '--template', invalid, '--json', '--token', ALICE])).stdout);
    expect(report.notJudged).toMatch(/^its settings are invalid: Invalid clientId " kubernetes": .*; Invalid usernamePrefix "system:": /);
    expect(report.notJudged).not.toMatch(/ at |\[cdk-eks-oidc:/);
  });

  test('no construct is created, so no App either', async () => {
    // Every construct but a root is added to its scope through this (TypeScript-private) method.
    const addChild = jest.spyOn(Node.prototype as unknown as { addChild: () => void }, 'addChild');
    try {
      const refused = handWritten({ Refused: config({ IssuerUrl: 'http://idp.example.com', ClientId: 'kubernetes' }) });
      expect((await cli(['explain', '--template', refused, '--token', ALICE])).code).toBe(0);
      expect((await cli(['explain', '--template', template, '--token', ALICE])).code).toBe(0);
      expect(addChild).not.toHaveBeenCalled();
      // The spy sees the constructs an App and a Stack are made of.
      new Stack(new App(), 'Control');
      expect(addChild).toHaveBeenCalled();
    } finally {
      addChild.mockRestore();
    }
  });
});

describe('a template of the wrong shape: that provider is "not judged", with the reason; never a crash', () => {
  test.each([
    ['RequiredClaims an object', config({ IssuerUrl: OKTA, ClientId: 'c', RequiredClaims: { hd: 'example.com' } }),
      'the template\'s settings are not of the right shape: Oidc.RequiredClaims is an object, not a list of objects with Key and Value'],
    ['RequiredClaims a string', config({ IssuerUrl: OKTA, ClientId: 'c', RequiredClaims: 'hd=example.com' }),
      'the template\'s settings are not of the right shape: Oidc.RequiredClaims is a string, not a list of objects with Key and Value'],
    ['RequiredClaims a Ref', config({ IssuerUrl: OKTA, ClientId: 'c', RequiredClaims: { Ref: 'Claims' } }),
      'requiredClaims is resolved by CloudFormation at deploy time'],
    ['RequiredClaims [null]', config({ IssuerUrl: OKTA, ClientId: 'c', RequiredClaims: [null] }),
      'the template\'s settings are not of the right shape: Oidc.RequiredClaims[0] is null, not an object with Key and Value'],
    ['entries without Key or Value', config({ IssuerUrl: OKTA, ClientId: 'c', RequiredClaims: [{ Value: 'v' }, { Key: 'k' }, { Key: 1, Value: 'v' }] }),
      'the template\'s settings are not of the right shape: Oidc.RequiredClaims[0] has no Key; Oidc.RequiredClaims[1] has no Value; '
      + 'Oidc.RequiredClaims[2].Key is a number, not a string'],
    ['a key twice', config({ IssuerUrl: OKTA, ClientId: 'c', RequiredClaims: [{ Key: 'k', Value: 'a' }, { Key: 'k', Value: 'b' }] }),
      'the template\'s settings are not of the right shape: Oidc.RequiredClaims[1].Key "k" is given twice'],
    ['a value from a function', config({ IssuerUrl: OKTA, ClientId: 'c', RequiredClaims: [{ Key: 'k', Value: { 'Fn::Sub': '${X}' } }] }),
      'requiredClaims["k"] is resolved by CloudFormation at deploy time'],
    ['no Properties', { Type: 'AWS::EKS::IdentityProviderConfig' }, 'it has no Properties'],
    ['Properties a list', { Type: 'AWS::EKS::IdentityProviderConfig', Properties: [] }, 'its Properties are a list, not an object'],
    ['no Oidc', { Type: 'AWS::EKS::IdentityProviderConfig', Properties: { Type: 'oidc' } }, 'it has no Properties.Oidc (is its Type "oidc"?)'],
    ['Oidc null', config(null), 'its Properties.Oidc is null, not an object'],
    ['no ClientId', config({ IssuerUrl: OKTA }), 'the template\'s settings are not of the right shape: Oidc.ClientId is missing'],
    ['a number for a string', config({ IssuerUrl: OKTA, ClientId: 12345, GroupsClaim: ['groups'] }),
      'the template\'s settings are not of the right shape: Oidc.ClientId is a number, not a string; Oidc.GroupsClaim is a list, not a string'],
  ])('%s', async (_, resource, reason) => {
    const { code, stdout, stderr } = await cli(['explain', '--template', handWritten({ Refused: resource }), '--token', ALICE]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^Refused( \(refused\))?\n {2}not judged: (.*)\n\nOkta \(okta\)\n {2}accepted /);
    expect(/not judged: (.*)\n/.exec(stdout)?.[1]).toBe(reason);
    expect((await cli(['explain', '--template', handWritten({ Refused: resource }, false), '--token', ALICE])).code).toBe(3);
  });

  test.each([
    ['an empty logical id', { '': config({ IssuerUrl: OKTA, ClientId: 'c' }) }, '"" (refused)\n  refused'],
    ['the logical id __proto__', JSON.parse(`{"__proto__": ${JSON.stringify(config({ IssuerUrl: OKTA, ClientId: 'c' }))}}`), '__proto__ (refused)\n  refused'],
    ['Metadata a string', { P: config({ IssuerUrl: OKTA, ClientId: 'c' }, { Metadata: 'x' }) }, 'P (refused)\n  refused'],
    ['a path that is no string', { P: config({ IssuerUrl: OKTA, ClientId: 'c' }, { Metadata: { 'aws:cdk:path': { toString: 1 } } }) }, 'P (refused)\n  refused'],
    ['a required claim named __proto__', { P: config({ IssuerUrl: OKTA, ClientId: 'c', RequiredClaims: [{ Key: '__proto__', Value: 'x' }] }) },
      'P (refused)\n  refused'],
  ])('%s', async (_, resources, title) => {
    const { code, stdout, stderr } = await cli(['explain', '--template', handWritten(resources), '--token', ALICE]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.startsWith(title)).toBe(true);
  });

  test.each([
    ['Resources a list', { Resources: [] }, /the template ".*" has Resources that are a list, not an object of resources/],
    ['Resources a string', { Resources: 'x' }, /has Resources that are a string, not an object of resources/],
    ['Resources null', { Resources: null }, /has Resources that are null, not an object of resources/],
    ['a list', [], /the template ".*" is a list, not a template \(a JSON object\)/],
    ['null', null, /the template ".*" is null, not a template \(a JSON object\)/],
  ])('%s: a usage error', async (_, content, message) => {
    const { code, stdout, stderr } = await cli(['explain', '--template', file('shape.json', JSON.stringify(content)), '--token', ALICE]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(message);
  });
});

describe('usage errors never print the token, nor anything that looks like one', () => {
  const LONG_SECRET = 'x'.repeat(150);
  test.each([
    ['a misspelt --token=', ['explain', '--template', '<template>', '--tokne=<jwt>'], /^cdk-eks-oidc: unknown option "--tokne" \(its value not shown\)\n/],
    ['a stray argument', ['explain', '--template', '<template>', '<jwt>'],
      /^cdk-eks-oidc: unexpected argument \(something that looks like a token, not shown\): give the token with --token-file <path>/],
    ['a stray argument after --token', ['explain', '--template', '<template>', '--token', 'x', '<jwt>'], /^cdk-eks-oidc: unexpected argument \(something/],
    ['the token for --token-file', ['explain', '--template', '<template>', '--token-file', '<jwt>'],
      /^cdk-eks-oidc: cannot read the token \(something that looks like a token, not shown\): ENAMETOOLONG: name too long \(it looks like a token: give a file name, or the token with --token\)\n/],
    ['the token for --template', ['explain', '--template', '<jwt>', '--token', 'x'], /^cdk-eks-oidc: cannot read the template \(something that looks like a token, not shown\): ENAMETOOLONG/],
    ['a short token for --token-file', ['explain', '--template', '<template>', '--token-file', `${part({ alg: 'none' })}.${part({})}.${SIGNATURE}`],
      /^cdk-eks-oidc: cannot read the token \(something that looks like a token, not shown\): ENOENT: no such file or directory \(it looks like a token/],
    ['the token for --provider', ['explain', '--template', '<template>', '--provider', '<jwt>', '--token', 'x'],
      /^cdk-eks-oidc: no provider \(something that looks like a token, not shown\) in /],
    ['the token as the command', ['<jwt>'], /^cdk-eks-oidc: unknown command \(something that looks like a token, not shown\): the commands are "explain", "doctor"\n/],
    ['the token with Bearer as an argument', ['explain', '--template', '<template>', 'Bearer <jwt>'], /^cdk-eks-oidc: unexpected argument \(something/],
    ['a long argument', ['explain', '--template', '<template>', LONG_SECRET], /^cdk-eks-oidc: unexpected argument \(an argument of 150 characters, not shown\)/],
    ['a long option', ['explain', `--${LONG_SECRET}`], /^cdk-eks-oidc: unknown option \(an argument of 152 characters, not shown\)/],
  ])('%s', async (_, args, message) => {
    const { code, stdout, stderr } = await cli(args.map(a => a.replace('<template>', template).replace('<jwt>', ALICE)));
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(message);
    for (const secret of [SIGNATURE, ALICE.split('.')[1], LONG_SECRET]) expect(stderr).not.toContain(secret);
  });

  test('a file name is shown, though it has dots', async () => {
    const { stderr } = await cli(['explain', '--template', 'Platform.template.json', '--token', 'x']);
    expect(stderr).toMatch(/^cdk-eks-oidc: cannot read the template "Platform.template.json": ENOENT: no such file or directory\n/);
  });
});

describe('the token as given: --token, --token=, a file, standard input', () => {
  test.each([
    ['--token=', (t: string) => ['--token=' + t]],
    ['--token-file=', (t: string) => [`--token-file=${file('token-eq', t)}`]],
    ['surrounding whitespace and line breaks', (t: string) => ['--token-file', file('token-ws', ` \r\n\t${t}\r\n\n`)]],
    ['a UTF-8 byte order mark', (t: string) => ['--token-file', file('token-bom', `\uFEFF${t}\n`)]],
  ])('%s', async (_, token) => {
    const { code, stderr } = await cli(['explain', `--template=${template}`, `--provider=${okta.logicalId}`, ...token(ALICE)]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  test.each([['-'], ['--token-file', '-'], ['--token-file=-']])('%s reads standard input', async (...args) => {
    const readSync = jest.mocked(fs.readSync);
    let stdin = Buffer.from(`${ALICE}\n`);
    // Standard input is the test runner's: give main() the token there, 10 bytes at a time.
    readSync.mockImplementation(((fd: number, buffer: Buffer, offset: number, length: number, ...rest: unknown[]) => {
      if (fd !== 0) return ACTUAL_READ_SYNC(fd, buffer, offset, length, ...rest as [null]);
      const n = stdin.copy(buffer, offset, 0, Math.min(10, length));
      stdin = stdin.subarray(n);
      return n;
    }) as typeof fs.readSync);
    try {
      const { code, stderr } = await cli(['explain', '--template', template, ...args]);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(readSync.mock.calls.filter(([fd]) => fd === 0).length).toBe(Math.ceil((ALICE.length + 1) / 10) + 1);
    } finally {
      readSync.mockImplementation(ACTUAL_READ_SYNC);
    }
  });

  test.each([
    ['--token ""', ['--token', ''], 'the token is empty'],
    ['--token=', ['--token='], 'the token is empty'],
    ['--token of whitespace', ['--token', ' \n'], 'the token is empty'],
    ['an empty file', ['--token-file', '<empty>'], /^the token is empty \(".*empty-token"\)$/],
    ['a UTF-16 file (little endian)', ['--token-file', '<utf16le>'], /^the token ".*utf16le-token" is UTF-16: save it as UTF-8$/],
    ['a UTF-16 file (big endian)', ['--token-file', '<utf16be>'], /^the token ".*utf16be-token" is UTF-16: save it as UTF-8$/],
    ['a file of NUL bytes', ['--token-file', '<nul>'], /^the token ".*nul-token" holds NUL bytes: it is binary or UTF-16; save it as UTF-8 text$/],
    ['a Bearer prefix', ['--token', `Bearer ${ALICE}`], 'the token starts with "Bearer ": remove the \'Bearer \' prefix and give the token itself'],
    ['a Bearer prefix in a file', ['--token-file', '<bearer>'], /^the token starts with "Bearer " \(".*bearer-token"\): remove the 'Bearer ' prefix/],
    ['an Authorization header', ['--token', `Authorization: Bearer ${ALICE}`], 'the token starts with "Bearer ": remove the \'Bearer \' prefix and give the token itself'],
    ['/dev/zero', ['--token-file', '/dev/zero'],
      'the token "/dev/zero" is larger than 1 MiB, the most read: kube-apiserver refuses request headers over 1 MiB, so a longer token never logs in'],
    ['a file of 1 MiB and a byte', ['--token-file', '<big>'], /^the token ".*big-token" is larger than 1 MiB, the most read: /],
    ['a folder', ['--token-file', '<folder>'], /^cannot read the token ".*folder": EISDIR: illegal operation on a directory$/],
  ])('%s: exit 2, a hint', async (_, args, message) => {
    mkdirSync(join(dir, 'folder'), { recursive: true });
    const files: Record<string, string> = {
      '<empty>': file('empty-token', ''),
      '<utf16le>': file('utf16le-token', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ALICE, 'utf16le')])),
      '<utf16be>': file('utf16be-token', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(ALICE, 'utf16le').swap16()])),
      '<nul>': file('nul-token', Buffer.alloc(100)),
      '<bearer>': file('bearer-token', `Bearer ${ALICE}\n`),
      '<big>': file('big-token', Buffer.alloc(1024 * 1024 + 1, 'a')),
      '<folder>': join(dir, 'folder'),
    };
    const { code, stdout, stderr } = await cli(['explain', '--template', template, ...args.map(a => files[a] ?? a)]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr.split('\n')[0].replace(/^cdk-eks-oidc: /, '')).toMatch(message);
    expect(stderr).not.toContain(SIGNATURE);
  });

  test('a token of 1 MiB is read, and judged', async () => {
    const { code, stdout } = await cli(['explain', '--template', template, '--provider', okta.logicalId, '--token-file', file('mib-token', Buffer.alloc(1024 * 1024, 'a'))]);
    expect(code).toBe(1);
    expect(stdout).toContain('  - token: found "1 part", expected a JWT');
  });

  test.each([
    ['/dev/zero', '/dev/zero', 'the template "/dev/zero" is larger than 10 MiB, the most read: CloudFormation refuses templates over 1 MB'],
    ['a UTF-16 template', '<utf16>', /^the template ".*utf16.json" is UTF-16: save it as UTF-8$/],
  ])('the template: %s', async (_, path, message) => {
    const utf16 = file('utf16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{}', 'utf16le')]));
    const { code, stderr } = await cli(['explain', '--template', path === '<utf16>' ? utf16 : path, '--token', ALICE]);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0].replace(/^cdk-eks-oidc: /, '')).toMatch(message);
  });

  test('a template with a UTF-8 byte order mark is read', async () => {
    const withBom = file('bom.template.json', `\uFEFF${fs.readFileSync(template, 'utf8')}`);
    expect((await cli(['explain', '--template', withBom, '--token', ALICE])).code).toBe(0);
  });
});

describe('what comes from a template or a token is escaped for a terminal', () => {
  const CONTROLS = '\u001b[31m\u0007\u007f\u009b\u0085\u061c\u200b\u200f\u202a\u202e\u2060\u2069\ufeff';
  const escaped = (text: string) => [...text].map(c => (UNSAFE.test(c) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('');
  let odd: string;
  beforeAll(() => {
    odd = handWritten({
      [`Id${CONTROLS}`]: config({ IssuerUrl: OKTA, ClientId: '0oa1b2c3d4e5f6g7h8i9', UsernameClaim: 'email' }, { Metadata: { 'aws:cdk:path': `Path${CONTROLS}/Resource` } }),
      Named: { ...config({ IssuerUrl: OKTA, ClientId: 'other' }), Properties: { IdentityProviderConfigName: `name${CONTROLS}`, Oidc: { IssuerUrl: OKTA, ClientId: 'other' } } },
      Deploy: config({ IssuerUrl: `https://idp.example.com/${CONTROLS}`, ClientId: 'c' }),
    }, false);
  });

  test('text: logical ids, names, paths, user names, groups, claims in problems', async () => {
    const token = jwt({ ...ALICE_CLAIMS, iss: OKTA, email: `alice${CONTROLS}@example.com`, groups: [`g${CONTROLS}`], sub: `sub${CONTROLS}` });
    const { code, stdout, stderr } = await cli(['explain', '--template', odd, '--token', token]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).not.toMatch(UNSAFE);
    expect(stdout).toContain(`Id${escaped(CONTROLS)} (refused) at Path${escaped(CONTROLS)}/Resource\n  accepted`);
    expect(stdout).toContain(`user "alice${escaped(CONTROLS)}@example.com"`);
    expect(stdout).toContain(`Named (name${escaped(CONTROLS)})\n  refused`);
    expect(stdout).toContain(escaped(CONTROLS));
    // The issuer's problems from the judge: the URL is the template's.
    expect(stdout).toMatch(/Deploy \(refused\)\n {2}not judged: its settings are invalid: Invalid issuerUrl "https:\/\/idp.example.com\/\\u001b/);
  });

  test('a claim\'s value in a problem', async () => {
    const token = jwt({ ...ALICE_CLAIMS, aud: `aud${CONTROLS}`, iss: `${OKTA}${CONTROLS}` });
    const { code, stdout } = await cli(['explain', '--template', odd, '--token', token]);
    expect(code).toBe(1);
    expect(stdout).not.toMatch(UNSAFE);
    expect(stdout).toContain(`  - iss: found "${OKTA}${escaped(CONTROLS)}", expected`);
  });

  test('JSON: escaped as \\uXXXX, which a JSON parser reads back unchanged', async () => {
    const token = jwt({ ...ALICE_CLAIMS, email: `alice${CONTROLS}@example.com` });
    const { stdout } = await cli(['explain', '--template', odd, '--token', token, '--json']);
    expect(stdout).not.toMatch(UNSAFE);
    const output: ExplainOutput = JSON.parse(stdout);
    expect(output.providers[0]).toMatchObject({ logicalId: `Id${CONTROLS}`, path: `Path${CONTROLS}/Resource`, username: `alice${CONTROLS}@example.com` });
    expect(output.providers[1].identityProviderConfigName).toBe(`name${CONTROLS}`);
  });

  test('a usage error: the provider names of the template it lists', async () => {
    const { stderr } = await cli(['explain', '--template', odd, '--provider', `x${CONTROLS}`, '--token', ALICE]);
    expect(stderr).not.toMatch(UNSAFE);
    expect(stderr).toContain(`it has Id${escaped(CONTROLS)}, Named, Deploy\n`);
  });
});

describe('a bug is said to be one, without a stack trace or the error\'s message (it may quote the token)', () => {
  test('in reading a provider\'s settings: that provider is "not judged"', async () => {
    const fromUrl = jest.spyOn(OidcIssuer, 'fromUrl').mockImplementation(() => {
      throw new TypeError('Cannot read properties of undefined');
    });
    try {
      const { code, stdout, stderr } = await cli(['explain', '--template', template, '--token', ALICE]);
      expect({ code, stderr }).toEqual({ code: 3, stderr: '' });
      expect(stdout).toContain('  not judged: internal error in reading its settings (a bug in cdk-eks-oidc: please report it, without the token)\n');
      expect(stdout).not.toMatch(/Cannot read|TypeError/);
    } finally {
      fromUrl.mockRestore();
    }
  });

  test('anywhere else: exit 2, with --json too', async () => {
    jest.mocked(secretsOf).mockImplementation(token => {
      throw new Error(`no secrets in ${token}`);
    });
    try {
      const { code, stdout, stderr } = await cli(['explain', '--template', template, '--token', ALICE, '--json']);
      expect(code).toBe(2);
      const error = 'internal error (Error): a bug in cdk-eks-oidc; please report it with the command line, without the token';
      expect(stderr).toBe(`cdk-eks-oidc: ${error}\n`);
      expect(JSON.parse(stdout)).toEqual({ schemaVersion: 1, verdict: 'usage-error', exitCode: 2, providers: [], error });
    } finally {
      jest.mocked(secretsOf).mockImplementation(jest.requireActual('../src/cli/secrets').secretsOf);
    }
  });
});

describe('nothing of a token beyond the claims judged: never its signature, nor an access token', () => {
  const ACCESS_TOKEN = 'at-0123456789abcdefghij';
  const withSources = () => jwt({ ...ALICE_CLAIMS, _claim_sources: { src1: { endpoint: 42, access_token: ACCESS_TOKEN } } });

  test('an access token of distributed claims, in a token the judge refuses for them', async () => {
    for (const json of [[], ['--json']]) {
      const { code, stdout } = await cli(['explain', '--template', template, '--token', withSources(), ...json]);
      expect(code).toBe(1);
      expect(stdout).toContain('_claim_sources');
      expect(stdout).not.toContain(ACCESS_TOKEN);
      expect(stdout).not.toContain(SIGNATURE);
    }
  });

  test('whatever the judge says, the signature and access tokens are taken out of it', async () => {
    // A judge that quotes them (as one did, in its problem for _claim_sources of the wrong shape).
    const explain = jest.spyOn(TokenJudge.prototype, 'explain').mockImplementation(token => ({
      accepted: false,
      signatureChecked: false,
      groups: [],
      problems: [`_claim_sources: found ${JSON.stringify(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())._claim_sources)}`,
        `token: ends in ${token.split('.')[2]}`],
    }));
    try {
      for (const json of [[], ['--json']]) {
        const { code, stdout } = await cli(['explain', '--template', template, '--token', withSources(), ...json]);
        expect(code).toBe(1);
        expect(stdout).toContain('_claim_sources: found {');
        expect(stdout).toContain('"access_token');
        expect(stdout).toContain('(redacted)');
        expect(stdout).not.toContain(ACCESS_TOKEN);
        expect(stdout).not.toContain(SIGNATURE);
      }
    } finally {
      explain.mockRestore();
    }
  });

  test('an error of the judge is "not judged", without its message (it may quote the token) or a stack trace', async () => {
    const explain = jest.spyOn(TokenJudge.prototype, 'explain').mockImplementation(token => {
      throw new RangeError(`Invalid time value in ${token}`);
    });
    try {
      for (const json of [[], ['--json']]) {
        const { code, stdout, stderr } = await cli(['explain', '--template', template, '--token', ALICE, ...json]);
        expect({ code, stderr }).toEqual({ code: 3, stderr: '' });
        expect(stdout).toContain('internal error in judging this token (a bug in cdk-eks-oidc: please report it, without the token)');
        expect(stdout).not.toContain(SIGNATURE);
        expect(stdout).not.toContain('Invalid time value');
        expect(stdout).not.toMatch(STACK_TRACE);
      }
    } finally {
      explain.mockRestore();
    }
  });
});

test.each([
  ['a missing template', ['explain', '--template', 'missing.json', '--token', 'x'], /^cdk-eks-oidc: cannot read the template "missing.json": ENOENT: no such file or directory\n/],
  ['a template that is not JSON', ['explain', '--template', '<not json>', '--token', 'x'], /^cdk-eks-oidc: the template ".*not-json.txt" is not JSON: Unexpected token 'o'\n/],
  ['a template without providers', ['explain', '--template', '<no providers>', '--token', 'x'],
    /^cdk-eks-oidc: the template ".*empty.json" has no AWS::EKS::IdentityProviderConfig/],
  ['an unknown provider', ['explain', '--template', '<template>', '--provider', 'Nope', '--token', 'x'],
    /^cdk-eks-oidc: no provider "Nope" in ".*"; it has Okta[0-9A-F]{8}, Keycloak[0-9A-F]{8}, GitHubActions[0-9A-F]{8}\n/],
  ['a missing template option', ['explain', '--token', 'x'], /^cdk-eks-oidc: --template <file> is required/],
  ['an option without its value', ['explain', '--template'], /^cdk-eks-oidc: --template needs a value: --template <file>\n/],
  ['an option with an empty value', ['explain', '--template='], /^cdk-eks-oidc: --template needs a value: --template <file>\n/],
  ['an option given twice', ['explain', '--template', 'a', '--template=b'], /^cdk-eks-oidc: --template is given twice\n/],
  ['a flag with a value', ['explain', '--json=yes'], /^cdk-eks-oidc: --json takes no value\n/],
  ['no token', ['explain', '--template', '<template>'], /^cdk-eks-oidc: give the token in exactly one way/],
  ['two tokens', ['explain', '--template', '<template>', '--token', 'x', '-'], /^cdk-eks-oidc: give the token in exactly one way/],
  ['standard input twice', ['explain', '--template', '<template>', '--token-file', '-', '-'], /^cdk-eks-oidc: give the token in exactly one way/],
  ['a missing token file', ['explain', '--template', '<template>', '--token-file', 'missing-token'], /^cdk-eks-oidc: cannot read the token "missing-token": ENOENT/],
  ['an unknown option', ['explain', '--tempalte', 'x'], /^cdk-eks-oidc: unknown option "--tempalte"\n/],
  ['an unknown command', ['explian'], /^cdk-eks-oidc: unknown command "explian": the commands are "explain", "doctor"/],
  ['no command', [], /^cdk-eks-oidc: unknown command "": the commands are "explain", "doctor"/],
])('%s: exit 2, a clear message, no stack trace', async (_, args, message) => {
  writeFileSync(join(dir, 'not-json.txt'), 'not json');
  writeFileSync(join(dir, 'empty.json'), JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }));
  const files: Record<string, string> = { '<template>': template, '<not json>': join(dir, 'not-json.txt'), '<no providers>': join(dir, 'empty.json') };
  const { code, stdout, stderr } = await cli(args.map(a => files[a] ?? a));
  expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
  expect(stderr).toMatch(message);
  expect(stderr).toMatch(/\nRun cdk-eks-oidc --help for how to use it.\n$/);
  expect(stderr).not.toMatch(STACK_TRACE);
});

test.each([
  [['--help']], [['-h']], [['explain', '--template', 'x', '--help']], [['explain', '--template', 'x', '-h']], [['explain', '--token', '-h']],
  [['explian', '-h']], [['explain', '--help=yes']],
])('%j explains itself', async args => {
  const { code, stdout, stderr } = await cli(args);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toMatch(/^Usage: cdk-eks-oidc explain --template <file>/);
  expect(stdout).toContain('kubectl oidc-login get-token');
});

test('the help says the exit codes, the limits and why, and the JSON schema', async () => {
  const { stdout } = await cli(['--help']);
  for (const line of ['  0  a provider accepts the token', '  1  every provider judged refuses it', '  2  a usage error, or input that cannot be read',
    '  3  no provider could be judged', 'a template of at most 10 MiB (CloudFormation refuses templates over 1 MB)',
    'a token of\nat most 1 MiB (kube-apiserver refuses request headers over 1 MiB', '"schemaVersion": 1', '--option=<value>',
    '  --token-file <path>   a file that holds the token; - for standard input', '  -h, --help']) {
    expect(stdout).toContain(line);
  }
});

test('as a process, as npx runs it: the token from standard input, JSON out, exit code 0', () => {
  // From its source, as `npx cdk-eks-oidc` runs its compiled form (lib/ may be stale or absent).
  const result = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', '--project', join(ROOT, 'tsconfig.dev.json'),
    join(ROOT, 'src', 'cli', 'index.ts'), 'explain', '--template', template, '--json', '--token-file', '-'], { cwd: ROOT, input: ALICE, encoding: 'utf8' });
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  expect(JSON.parse(result.stdout).providers.map((r: any) => [r.logicalId, r.verdict]))
    .toEqual([[okta.logicalId, 'accepted'], [keycloak.logicalId, 'refused'], [gitHub.logicalId, 'refused']]);
});

describe('doctor: the issuers of the template, from the network; exit codes as explain\'s', () => {
  /** Issuers signed by a private CA, trusted only through --ca-file (test/issuer-variants.ts). */
  let variants: IssuerVariants;
  /** An issuer of a CA the test makes one of Node's public roots: every check passes. */
  let trusted: TestIssuer;
  /** A provider per issuer URL, by logical id. */
  const doctorTemplate = (issuers: { [logicalId: string]: unknown }) => file(`doctor-${Math.random().toString(16).slice(2)}.json`, JSON.stringify({
    Resources: Object.fromEntries(Object.entries(issuers).map(([id, issuerUrl]) => [id, {
      Type: 'AWS::EKS::IdentityProviderConfig',
      Properties: { ClusterName: 'prod', Type: 'oidc', IdentityProviderConfigName: `${id}-idp`, Oidc: { IssuerUrl: issuerUrl, ClientId: 'kubernetes' } },
      Metadata: { 'aws:cdk:path': `Stack/${id}/Resource` },
    }])),
  }));
  const verdicts = (provider: DoctorOutput['providers'][number]) => Object.fromEntries(provider.checks.map(c => [c.name, c.verdict]));

  beforeAll(async () => {
    variants = await startIssuerVariants();
    const pki = throwAwayCertificate('doctor-public');
    mockPublicRoots.push(pki.ca);
    trusted = await TestIssuer.start(pki.cert, pki.key);
  });

  afterAll(async () => {
    await trusted?.stop();
    await variants?.stop();
  });

  test('every check passes: exit 0', async () => {
    const { code, stdout, stderr } = await cli(['doctor', '--template', doctorTemplate({ Dex: `${trusted.origin}/dex` })]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe([
      `Dex (Dex-idp) at Stack/Dex/Resource: "${trusted.origin}/dex"`,
      `  PASS serviceAccountIssuer: "${trusted.origin}/dex" is not an EKS service-account issuer (those are https://oidc.eks.<region>.amazonaws.com/id/<ID>)`,
      `  PASS discovery: read "${trusted.origin}/dex/.well-known/openid-configuration"`,
      '  PASS certificate: the certificate of "127.0.0.1:' + trusted.port + '" is publicly trusted (Node\'s public roots, not NODE_EXTRA_CA_CERTS)',
      `  PASS issuer: the discovery document names issuer "${trusted.origin}/dex", as configured`,
      '  PASS signingAlgorithms: id_token_signing_alg_values_supported includes RS256',
      `  PASS jwksUri: read "${trusted.origin}/dex/jwks"`,
      `  PASS signingKeys: 1 of 1 key: kid "${trusted.kid}" (kty "RSA", alg "RS256", use "sig") is an RSA key usable for RS256`,
      '',
      '1 provider: 1 passed.',
      '',
    ].join('\n'));
  });

  test('the correct issuer trusted only through --ca-file: "EKS will refuse it", exit 1; --ca-file reported as used', async () => {
    const doctored = doctorTemplate({ Correct: `${variants.origin}/correct` });
    const { code, stdout, stderr } = await cli(['doctor', '--template', doctored, '--ca-file', variants.caPath]);
    expect({ code, stderr }).toEqual({ code: 1, stderr: '' });
    expect(stdout).toContain('  FAIL certificate: EKS will refuse it: the certificate is not publicly trusted (');
    expect(stdout).toContain('       fix: Serve the issuer with a certificate from a public CA');
    expect(stdout).toContain('  note: the CA file was used for some requests; EKS has no such setting and trusts public CAs only');
    expect(stdout).toMatch(/\n\n1 provider: 1 failed\. --ca-file was used: a certificate it validates is one EKS will refuse\.\n$/);

    const json = await cli(['doctor', '--template', doctored, '--ca-file', variants.caPath, '--json']);
    const output: DoctorOutput = JSON.parse(json.stdout);
    expect(json.code).toBe(1);
    expect(output).toMatchObject({ schemaVersion: 1, verdict: 'failed', exitCode: 1, caFile: 'used' });
    expect(output.providers[0]).toMatchObject({ logicalId: 'Correct', identityProviderConfigName: 'Correct-idp', path: 'Stack/Correct/Resource', issuerUrl: `${variants.origin}/correct`, verdict: 'failed', caFileUsed: true });
    expect(verdicts(output.providers[0])).toEqual({
      serviceAccountIssuer: 'pass', discovery: 'pass', certificate: 'fail', issuer: 'pass', signingAlgorithms: 'pass', jwksUri: 'pass', signingKeys: 'pass',
    });
  });

  test('without --ca-file: the certificate fails and nothing else is read, exit 1', async () => {
    const { code, stdout } = await cli(['doctor', '--template', doctorTemplate({ Correct: `${variants.origin}/correct` }), '--json']);
    expect(code).toBe(1);
    const output: DoctorOutput = JSON.parse(stdout);
    expect(output.caFile).toBe('not-given');
    expect(verdicts(output.providers[0])).toEqual({
      serviceAccountIssuer: 'pass', discovery: 'fail', certificate: 'fail', issuer: 'skip', signingAlgorithms: 'skip', jwksUri: 'skip', signingKeys: 'skip',
    });
  });

  test('several variants: a verdict for each; --ca-file given but not needed says so', async () => {
    const doctored = doctorTemplate({ Slash: `${variants.origin}/slash`, Ec: `${variants.origin}/jwksEc`, Spoiled: `${variants.origin}/jwksSpoiled`, Dex: `${trusted.origin}/dex` });
    const { code, stdout } = await cli(['doctor', '--template', doctored, '--ca-file', variants.caPath, '--json']);
    expect(code).toBe(1);
    const output: DoctorOutput = JSON.parse(stdout);
    expect(output.providers.map(p => [p.logicalId, p.verdict, p.checks.filter(c => c.verdict === 'fail').map(c => c.name)])).toEqual([
      ['Slash', 'failed', ['certificate', 'issuer']],
      ['Ec', 'failed', ['certificate', 'signingKeys']],
      ['Spoiled', 'failed', ['certificate', 'signingKeys']],
      ['Dex', 'passed', []],
    ]);
    const dexOnly = await cli(['doctor', '--template', doctored, '--provider', 'Stack/Dex', '--ca-file', variants.caPath]);
    expect(dexOnly.code).toBe(0);
    expect(dexOnly.stdout).toMatch(/\n\n1 provider: 1 passed\. --ca-file was given but not needed: every certificate met was publicly trusted\.\n$/);
  });

  test('an issuer known only at deploy time: not checked, exit 3; beside a checked one, the checked one decides', async () => {
    const deployTime = { 'Fn::GetAtt': ['Pool', 'ProviderURL'] };
    const { code, stdout } = await cli(['doctor', '--template', doctorTemplate({ Pool: deployTime }), '--json']);
    expect(code).toBe(3);
    expect(JSON.parse(stdout)).toMatchObject({ verdict: 'not-checked', exitCode: 3, providers: [{ logicalId: 'Pool', verdict: 'not-checked' }] });
    expect((await cli(['doctor', '--template', doctorTemplate({ Pool: deployTime, Dex: `${trusted.origin}/dex` })])).code).toBe(0);
  });

  test('the cluster\'s own service-account issuer: exit 1, nothing fetched', async () => {
    const { code, stdout } = await cli(['doctor', '--template', doctorTemplate({ Irsa: 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE' })]);
    expect(code).toBe(1);
    expect(stdout).toContain('  FAIL serviceAccountIssuer: "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE" is an EKS cluster\'s service-account (IRSA) issuer');
  });

  test.each<[string, string[], RegExp]>([
    ['no --template', ['doctor'], /^--template <file> is required$/],
    ['a provider of no name', ['doctor', '--template', '<template>', '--provider', 'Nope'], /^no provider "Nope" in ".*"; it has Correct$/],
    ['a missing CA file', ['doctor', '--template', '<template>', '--ca-file', '/nonexistent/ca.pem'], /^cannot read the CA file "\/nonexistent\/ca.pem": ENOENT/],
    ['a CA file without a certificate', ['doctor', '--template', '<template>', '--ca-file', '<not pem>'], /^the CA file ".*" holds no PEM certificate/],
    ['a token given to doctor', ['doctor', '--template', '<template>', '--token', 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln'], /^unknown option "--token"$/],
    ['not a template', ['doctor', '--template', '<not json>'], /^the template ".*" is not JSON/],
  ])('a usage error: %s, exit 2, a JSON document too', async (_, args, error) => {
    const paths: Record<string, string> = {
      '<template>': doctorTemplate({ Correct: `${variants.origin}/correct` }), '<not pem>': file('not.pem', 'hello'), '<not json>': file('not.json', '{'),
    };
    const argv = args.map(a => paths[a] ?? a);
    const { code, stdout, stderr } = await cli(argv);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(/^cdk-eks-oidc: .*\nRun cdk-eks-oidc --help for how to use it\.\n$/);
    const json = await cli([...argv, '--json']);
    expect(json.code).toBe(2);
    const output = JSON.parse(json.stdout);
    expect(output).toEqual({ schemaVersion: 1, verdict: 'usage-error', exitCode: 2, providers: [], error: expect.stringMatching(error) });
  });

  test('strings from the network are escaped for a terminal, in text and in JSON', async () => {
    const doctored = doctorTemplate({ Escape: `${variants.origin}/escape` });
    for (const json of [[], ['--json']]) {
      const { stdout } = await cli(['doctor', '--template', doctored, '--ca-file', variants.caPath, ...json]);
      expect(stdout).not.toMatch(UNSAFE);
      const text = json.length > 0 ? JSON.parse(stdout).providers[0].checks.find((c: { name: string }) => c.name === 'issuer').message : stdout;
      expect(text).toContain('\\u001b[2J\\u202egnp.exe');
    }
  });

  test('the help: the exit codes and the JSON schema', async () => {
    const { code, stdout } = await cli(['doctor', '--help']);
    expect(code).toBe(0);
    for (const line of ['Usage: cdk-eks-oidc doctor --template <file> [--provider <name>] [--ca-file <pem file>] [--json]', '  0  no check failed',
      '  1  a check failed', '  2  a usage error, or input that cannot be read', '  3  no provider could be checked', '"schemaVersion": 1', '"caFile": "not-given" | "used" | "not-used"']) {
      expect(stdout).toContain(line);
    }
  });

  describe('explain with the issuer\'s keys: --jwks <file> or --fetch-keys', () => {
    let keysTemplate: string;
    let issuerUrl: string;
    let privateIssuer: TestIssuer;
    let privateUrl: string;
    const mint = (issuer: TestIssuer, url: string, extra: object = {}) => issuer.mint({ iss: url, aud: 'kubernetes', sub: 'alice', ...extra });

    beforeAll(async () => {
      issuerUrl = `${trusted.origin}/keys`;
      privateIssuer = await TestIssuer.start(variants.issuerCert.cert, variants.issuerCert.key);
      privateUrl = `${privateIssuer.origin}/private`;
      keysTemplate = doctorTemplate({ Trusted: issuerUrl, Private: privateUrl });
    });

    afterAll(async () => {
      await privateIssuer?.stop();
    });

    const jwksOf = (url: string) => fetchJwks(url, { caFile: variants.caFile });

    test('--jwks: a token signed by the issuer is accepted, signatureChecked; the JSON says so', async () => {
      const jwks = file('trusted.jwks.json', await jwksOf(issuerUrl));
      const token = mint(trusted, issuerUrl);
      const { code, stdout, stderr } = await cli(['explain', '--template', keysTemplate, '--provider', 'Trusted', '--token', token, '--jwks', jwks]);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toMatch(/\n\nThe signature is checked with the issuer's keys given, as kube-apiserver checks it \(alg RS256, the kid, the signature\)\.\n$/);
      const output: ExplainOutput = JSON.parse((await cli(['explain', '--template', keysTemplate, '--provider', 'Trusted', '--token', token, '--jwks', jwks, '--json'])).stdout);
      expect(output).toMatchObject({ schemaVersion: 1, verdict: 'accepted', signatureChecked: true, providers: [{ verdict: 'accepted', signatureChecked: true }] });
    });

    test('--jwks: a tampered token, a wrong kid, HS256 and alg none are refused, exit 1, with the keys on offer and no signature printed', async () => {
      const jwks = file('trusted2.jwks.json', await jwksOf(issuerUrl));
      const valid = mint(trusted, issuerUrl);
      const [header, payload, signature] = valid.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const tokens = {
        tampered: `${header}.${encode({ ...claims, sub: 'admin' })}.${signature}`,
        wrongKid: trusted.sign(`${encode({ alg: 'RS256', kid: 'rotated' })}.${payload}`),
        hs256: `${encode({ alg: 'HS256', kid: trusted.kid })}.${payload}.${signature}`,
        none: `${encode({ alg: 'none' })}.${payload}.`,
      };
      const expected = {
        tampered: 'it does not verify with the key of that kid',
        wrongKid: `the issuer's JWKS has no key with that kid. It offers 1 key: kid "${trusted.kid}"`,
        hs256: 'alg (header): found "HS256", expected "RS256"',
        none: 'alg (header): found "none", expected "RS256"',
      };
      for (const [name, token] of Object.entries(tokens)) {
        const { code, stdout } = await cli(['explain', '--template', keysTemplate, '--provider', 'Trusted', '--token', token, '--jwks', jwks]);
        expect([name, code]).toEqual([name, 1]);
        expect(stdout).toContain(expected[name as keyof typeof expected]);
        for (const secret of secretsOf(token)) expect(stdout).not.toContain(secret);
      }
      // Without keys the tampered token reads as accepted, and the output says the signature is not checked.
      const unchecked = await cli(['explain', '--template', keysTemplate, '--provider', 'Trusted', '--token', tokens.tampered, '--json']);
      expect(JSON.parse(unchecked.stdout)).toMatchObject({ verdict: 'accepted', signatureChecked: false, providers: [{ signatureChecked: false }] });
    });

    test('--fetch-keys: each provider\'s keys from its issuer; a privately signed one only with --ca-file', async () => {
      const token = mint(privateIssuer, privateUrl);
      const withCa = await cli(['explain', '--template', keysTemplate, '--token', token, '--fetch-keys', '--ca-file', variants.caPath, '--json']);
      expect(withCa.code).toBe(0);
      const output: ExplainOutput = JSON.parse(withCa.stdout);
      expect(output.providers.map(p => [p.logicalId, p.verdict, p.signatureChecked])).toEqual([['Trusted', 'refused', true], ['Private', 'accepted', true]]);
      const withoutCa = await cli(['explain', '--template', keysTemplate, '--provider', 'Private', '--token', token, '--fetch-keys', '--json']);
      expect(withoutCa.code).toBe(3);
      expect(JSON.parse(withoutCa.stdout).providers[0]).toMatchObject({
        verdict: 'not-judged', notJudged: expect.stringMatching(/^the issuer's keys cannot be fetched \(--fetch-keys\): cannot read .*the certificate is not issued by a publicly trusted CA/),
      });
    });

    test.each<[string, string[], RegExp]>([
      ['both ways of giving keys', ['--jwks', '<jwks>', '--fetch-keys'], /^give the keys in one way: --jwks <file> or --fetch-keys$/],
      ['--ca-file without --fetch-keys', ['--ca-file', '<ca>'], /^--ca-file is for --fetch-keys: give both, or neither$/],
      ['a JWKS that is no JSON', ['--jwks', '<not json>'], /^the JWKS ".*" is not JSON: .*Give the key set the issuer's jwks_uri serves/],
      ['a JWKS over 1 MiB', ['--jwks', '<huge>'], /^the JWKS ".*" is larger than 1 MiB, the most read: /],
      ['a missing JWKS', ['--jwks', '/nonexistent.json'], /^cannot read the JWKS "\/nonexistent.json": ENOENT/],
    ])('a usage error: %s, exit 2', async (_, args, error) => {
      const paths: Record<string, string> = {
        '<jwks>': file('k.json', '{"keys":[]}'), '<ca>': variants.caPath, '<not json>': file('k2.json', 'keys'), '<huge>': file('k3.json', `{"keys":[],"x":"${'x'.repeat(1024 * 1024)}"}`),
      };
      const { code, stdout } = await cli(['explain', '--template', keysTemplate, '--token', mint(trusted, issuerUrl), '--json', ...args.map(a => paths[a] ?? a)]);
      expect(code).toBe(2);
      expect(JSON.parse(stdout).error).toMatch(error);
    });

    test('a JWKS kube-apiserver cannot decode: every token refused, exit 1', async () => {
      const jwks = file('spoiled.json', JSON.stringify({ keys: [{ kty: 'AKP', kid: 'pq' }] }));
      const { code, stdout } = await cli(['explain', '--template', keysTemplate, '--provider', 'Trusted', '--token', mint(trusted, issuerUrl), '--jwks', jwks]);
      expect(code).toBe(1);
      expect(stdout).toContain('kube-apiserver cannot decode the issuer\'s JWKS, so it refuses every token: go-jose refuses its key #1 (kid \"pq\")');
    });
  });
});

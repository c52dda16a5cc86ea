// Logging in with the kubeconfigs the provider renders, through a real kubectl (built from the
// same Kubernetes release as kube-apiserver): the kubeconfig outputs are read from the
// synthesized template, their deploy-time endpoint and CA replaced with the local server's, and
// kubectl must end up as the user and groups that usernameFor()/groupFor() predict.
// People's variant: int128/kubelogin cannot be installed here (the Go module proxy refuses it),
// so a stand-in `kubectl-oidc_login` on PATH checks that kubectl calls it with exactly the
// arguments expected, each a flag kubelogin documents with a value it accepts, and answers with an
// ExecCredential as kubelogin does.
// GitHub Actions' variant: the real node runs the kubeconfig's script against a loopback stand-in
// for the runner's token endpoint, which mints tokens of the test issuer that expire in seconds.
import { ChildProcess, execFile, spawn } from 'child_process';
import { randomUUID } from 'crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { dirname, join } from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnCluster } from 'aws-cdk-lib/aws-eks';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { parse, stringify } from 'yaml';
import { CONFIGMAP_READER, NAMESPACE, NAMESPACE_OBJECT } from './cluster-objects';
import { ApiServer } from './control-plane';
import { e2eEnvironment } from './environment';
import { kubernetesObjectsOf, oidcFlagsOf, resolve } from './template';
import {
  KubeconfigLogin, KubeloginGrantType, KubeloginOptions, KubeloginPkceMethod, KubeloginTokenCacheStorage, OidcIdentityProvider,
  OidcIdentityProviderProps, OidcIssuer, RoleRef,
} from '../../src';

jest.setTimeout(180_000);

const CLIENT_ID = 'kubernetes';
type Result = { code: number; stdout: string; stderr: string };
const CLUSTER_OBJECTS = [NAMESPACE_OBJECT, CONFIGMAP_READER];

/**
 * kubelogin, as far as kubectl sees it: it must be called with exactly the arguments expected
 * for this provider (EXPECTED_ARGS), each of them `get-token` or a flag of kubelogin's
 * `get-token` with a value it accepts (int128/kubelogin docs/usage.md, "Usage"; the values as
 * pkg/cmd checks them), and prints an ExecCredential of the apiVersion kubectl asks for
 * (KUBERNETES_EXEC_INFO) with the ID token in TOKEN_FILE, as kubelogin does.
 */
const KUBELOGIN_STAND_IN = `#!/usr/bin/env node
const fs = require('fs');
const fail = (message) => { console.error('kubelogin stand-in: ' + message); process.exit(1); };
const expected = JSON.parse(process.env.EXPECTED_ARGS);
const actual = process.argv.slice(2);
if (JSON.stringify(actual) !== JSON.stringify(expected)) {
  fail('called with ' + JSON.stringify(actual) + ', expected ' + JSON.stringify(expected));
}
// kubelogin's flags, as docs/usage.md lists them, with the values each accepts.
const FLAGS = {
  'oidc-issuer-url': /^https:\\/\\/\\S+$/,
  'oidc-client-id': /^\\S+$/,
  'oidc-extra-scope': /^\\S+$/,
  'oidc-redirect-url': /^(https?:\\/\\/\\S+|urn:ietf:wg:oauth:2\\.0:oob)$/,
  'token-cache-storage': /^(disk|keyring|none)$/,
  'oidc-pkce-method': /^(auto|no|S256)$/,
  'grant-type': /^(auto|authcode|authcode-keyboard|password|device-code|client-credentials)$/,
  'listen-address': /^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+):[0-9]+$/,
  'authentication-timeout-sec': /^[1-9][0-9]*$/,
};
const [command, ...flags] = actual;
if (command !== 'get-token') fail('the command is ' + command + ', not get-token');
const given = {};
for (const arg of flags) {
  const [, name, value] = /^--([a-z-]+)=(.*)$/s.exec(arg) || [];
  if (!(name in FLAGS)) fail("not one of kubelogin's flags as --<flag>=<value>: " + JSON.stringify(arg));
  if (!FLAGS[name].test(value)) fail('kubelogin does not accept ' + JSON.stringify(arg));
  given[name] = [...(given[name] || []), value];
}
for (const name of ['oidc-issuer-url', 'oidc-client-id']) if (!given[name]) fail('--' + name + ' is missing');
// Since kubelogin v1.33.0 the keyboard flow needs a redirect URL (int128/kubelogin#1263).
if ((given['grant-type'] || []).includes('authcode-keyboard') && !given['oidc-redirect-url']) fail('authcode-keyboard without --oidc-redirect-url');
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO || '{}');
if (info.apiVersion !== 'client.authentication.k8s.io/v1') {
  console.error('kubelogin stand-in: KUBERNETES_EXEC_INFO is ' + process.env.KUBERNETES_EXEC_INFO);
  process.exit(1);
}
process.stdout.write(JSON.stringify({
  apiVersion: info.apiVersion, kind: 'ExecCredential',
  status: { token: fs.readFileSync(process.env.TOKEN_FILE, 'utf8').trim(), expirationTimestamp: new Date(Date.now() + 600000).toISOString() },
}));
`;

interface Case {
  readonly name: string;
  readonly props: (issuerOrigin: string) => Partial<OidcIdentityProviderProps> & { issuer: OidcIssuer };
  /** The token's claims beyond iss and aud; its username claim's value is bound to the reader role in NAMESPACE. */
  readonly claims: Record<string, unknown>;
  readonly username: string;
  readonly groups: string[];
  /** The `--oidc-extra-scope` values kubelogin must be given. */
  readonly scopes: string[];
  /** kubelogin's options for a second people's kubeconfig, and the flags they must become, as kubelogin's docs spell them. */
  readonly kubelogin: KubeloginOptions;
  readonly kubeloginFlags: string[];
}

const CASES: Case[] = [
  {
    name: 'default claim sub and issuer# prefix, groups',
    props: origin => ({ issuer: OidcIssuer.fromUrl(`${origin}/dex`), groupsClaim: 'groups' }),
    claims: { sub: 'alice-0a1b', groups: ['platform'] },
    username: 'alice-0a1b',
    groups: ['platform'],
    scopes: [],
    kubelogin: { grantType: KubeloginGrantType.DEVICE_CODE, tokenCacheStorage: KubeloginTokenCacheStorage.KEYRING },
    kubeloginFlags: ['--grant-type=device-code', '--token-cache-storage=keyring'],
  },
  {
    name: 'email claim, with a groups prefix',
    props: origin => ({ issuer: OidcIssuer.fromUrl(`${origin}/okta`), usernameClaim: 'email', groupsClaim: 'groups', groupsPrefix: 'okta:' }),
    claims: { sub: '00u1', email: 'alice@example.com', email_verified: true, groups: ['platform', 'sre'] },
    username: 'alice@example.com',
    groups: ['platform', 'sre'],
    scopes: ['email'],
    kubelogin: {
      grantType: KubeloginGrantType.AUTHCODE,
      listenAddresses: ['127.0.0.1:12345', '[::1]:23456'],
      authenticationTimeout: Duration.minutes(2),
      pkceMethod: KubeloginPkceMethod.S256,
      tokenCacheStorage: KubeloginTokenCacheStorage.DISK,
    },
    kubeloginFlags: ['--grant-type=authcode', '--listen-address=127.0.0.1:12345', '--listen-address=[::1]:23456', '--authentication-timeout-sec=120',
      '--oidc-pkce-method=S256', '--token-cache-storage=disk'],
  },
  {
    name: 'the Keycloak preset, with an explicit prefix',
    props: origin => ({ issuer: OidcIssuer.keycloak({ url: origin, realm: 'platform' }), usernamePrefix: 'kc:' }),
    claims: { sub: 'f:1', preferred_username: 'alice', groups: ['/platform'] },
    username: 'alice',
    groups: ['/platform'],
    scopes: [],
    kubelogin: {
      grantType: KubeloginGrantType.AUTHCODE_KEYBOARD, pkceMethod: KubeloginPkceMethod.NO, tokenCacheStorage: KubeloginTokenCacheStorage.NONE,
    },
    kubeloginFlags: ['--grant-type=authcode-keyboard', '--oidc-redirect-url=urn:ietf:wg:oauth:2.0:oob', '--oidc-pkce-method=no', '--token-cache-storage=none'],
  },
];

const env = e2eEnvironment('kubectl');

beforeAll(() => {
  mkdirSync(join(env.dir, 'stand-ins'));
  writeFileSync(join(env.dir, 'stand-ins', 'kubectl-oidc_login'), KUBELOGIN_STAND_IN);
  chmodSync(join(env.dir, 'stand-ins', 'kubectl-oidc_login'), 0o755);
});

describe.each(CASES)('$name', (c) => {
  let server: ApiServer;
  let provider: OidcIdentityProvider;
  let caseDir: string;
  const files = { people: '', options: '', ci: '', token: '' };
  let issuerUrl: string;

  /** Runs the suite's kubectl, with the stand-in kubelogin on PATH; resolves to its exit code and output. */
  const kubeloginArgs = (variant: 'people' | 'options' | 'ci' = 'people') => ['get-token', `--oidc-issuer-url=${issuerUrl}`, `--oidc-client-id=${CLIENT_ID}`,
    ...c.scopes.map(scope => `--oidc-extra-scope=${scope}`), ...variant === 'options' ? c.kubeloginFlags : []];
  const kubectlWith = (expectedArgs: string[], kubeconfig: string, ...args: string[]) => new Promise<Result>(done => {
    const environment = {
      ...process.env,
      PATH: `${env.binaries.dir}:${join(env.dir, 'stand-ins')}:${process.env.PATH}`,
      EXPECTED_ARGS: JSON.stringify(expectedArgs),
      TOKEN_FILE: files.token,
    };
    execFile(env.binaries.kubectl, ['--kubeconfig', kubeconfig, ...args], { env: environment }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
  const kubectl = (variant: keyof typeof files, ...args: string[]) => kubectlWith(kubeloginArgs(variant as 'people'), files[variant], ...args);

  beforeAll(async () => {
    caseDir = join(env.dir, `case-${CASES.indexOf(c)}`);
    mkdirSync(caseDir);
    files.people = join(caseDir, 'people.kubeconfig');
    files.options = join(caseDir, 'options.kubeconfig');
    files.ci = join(caseDir, 'ci.kubeconfig');
    files.token = join(caseDir, 'token');

    const stack = new Stack(new App(), 'Login', { env: { account: '111111111111', region: 'eu-west-1' } });
    const { cluster, eksCluster } = e2eCluster(stack);
    provider = new OidcIdentityProvider(stack, 'Provider', { cluster, clientId: CLIENT_ID, identityProviderConfigName: 'sso', ...c.props(env.issuer.origin) });
    provider.addRoleBinding('Alice', { namespace: NAMESPACE, role: RoleRef.clusterRole(CONFIGMAP_READER.metadata.name), users: [c.username] });
    const people = provider.addKubeconfigOutput('People');
    const options = provider.addKubeconfigOutput('Options', { login: KubeconfigLogin.kubelogin(c.kubelogin) });
    const ci = provider.addKubeconfigOutput('Ci', { login: KubeconfigLogin.tokenFile(files.token) });
    const template = Template.fromStack(stack).toJSON();

    const flags = oidcFlagsOf(template);
    issuerUrl = flags[0][1];
    server = await ApiServer.start(env.binaries.kubeApiServer, env.pki, env.etcd, flags, `kubectl-${CASES.indexOf(c)}`);
    for (const object of [...CLUSTER_OBJECTS, ...kubernetesObjectsOf(template)]) await server.apply(object);
    writeFileSync(files.token, env.issuer.mint({ iss: issuerUrl, aud: CLIENT_ID, ...c.claims }));
    await server.waitForAuthentication(env.issuer.mint({ iss: issuerUrl, aud: CLIENT_ID, ...c.claims }));

    // The outputs as CloudFormation resolves them, with this server as the cluster.
    const deployTime = {
      [JSON.stringify(stack.resolve(eksCluster.attrEndpoint))]: `https://127.0.0.1:${server.port}`,
      [JSON.stringify(stack.resolve(eksCluster.attrCertificateAuthorityData))]: env.pki.ca.toString('base64'),
    };
    for (const [output, file] of [[people, files.people], [options, files.options], [ci, files.ci]] as const) {
      writeFileSync(file, resolve(template.Outputs[stack.resolve(output.logicalId)].Value, deployTime));
    }
  });

  afterAll(async () => {
    await server?.stop();
  });

  test.each(['people', 'options', 'ci'] as const)('%s: kubectl auth whoami is the user and groups usernameFor()/groupFor() predict', async (variant) => {
    const { code, stdout, stderr } = await kubectl(variant, 'auth', 'whoami', '-o', 'json');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const user = JSON.parse(stdout).status.userInfo;
    expect(user.username).toBe(provider.usernameFor(c.username));
    expect(user.groups.slice().sort()).toEqual([...c.groups.map(g => provider.groupFor(g)), 'system:authenticated'].sort());
  });

  test.each(['people', 'ci'] as const)('%s: kubectl auth can-i answers what the bindings grant', async (variant) => {
    const can = async (...args: string[]) => (await kubectl(variant, 'auth', 'can-i', ...args)).stdout.trim();
    expect(await can('list', 'configmaps', '-n', NAMESPACE)).toBe('yes');
    expect(await can('delete', 'configmaps', '-n', NAMESPACE)).toBe('no');
    expect(await can('list', 'configmaps', '-n', 'default')).toBe('no');
    expect(await can('list', 'secrets', '-n', NAMESPACE)).toBe('no');
  });

  test('people: the stand-in checks what kubectl passes it (another scope expected: no login)', async () => {
    const { code, stderr } = await kubectlWith([...kubeloginArgs(), '--oidc-extra-scope=groups'], files.people, 'auth', 'whoami');
    expect(code).not.toBe(0);
    expect(stderr).toContain('kubelogin stand-in: called with');
  });

  test('options: the keyboard flow may read the code from stdin (interactiveMode IfAvailable), the others not', () => {
    const exec = parse(readFileSync(files.options, 'utf8')).users[0].user.exec;
    expect(exec.interactiveMode).toBe(c.kubelogin.grantType === KubeloginGrantType.AUTHCODE_KEYBOARD ? 'IfAvailable' : 'Never');
  });
});

test('the stand-in refuses what kubelogin would: an unknown flag, a value it does not accept, the keyboard flow without a redirect URL', async () => {
  const dir = join(env.dir, 'stand-in-check');
  mkdirSync(dir);
  const run = (args: string[]) => new Promise<Result>(done => execFile(join(env.dir, 'stand-ins', 'kubectl-oidc_login'), args, {
    env: { ...process.env, EXPECTED_ARGS: JSON.stringify(args), TOKEN_FILE: join(dir, 'token'), KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v1"}' },
  }, (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })));
  writeFileSync(join(dir, 'token'), 'token');
  const base = ['get-token', '--oidc-issuer-url=https://idp.example.com', '--oidc-client-id=kubernetes'];
  expect((await run(base)).code).toBe(0);
  for (const [args, message] of [
    [[...base, '--token-cache-storage=Keyring'], 'kubelogin does not accept "--token-cache-storage=Keyring"'],
    [[...base, '--pkce-method=S256'], 'not one of kubelogin\'s flags as --<flag>=<value>: "--pkce-method=S256"'],
    [[...base, '--listen-address', '127.0.0.1:8000'], 'not one of kubelogin\'s flags as --<flag>=<value>: "--listen-address"'],
    [[...base, '--grant-type=authcode-keyboard'], 'authcode-keyboard without --oidc-redirect-url'],
    [base.slice(0, 2), '--oidc-client-id is missing'],
  ] as Array<[string[], string]>) {
    expect(await run(args)).toEqual({ code: 1, stdout: '', stderr: `kubelogin stand-in: ${message}\n` });
  }
});

/**
 * The GitHub Actions runner's token endpoint, as jobs with `permissions: id-token: write` reach it
 * (ACTIONS_ID_TOKEN_REQUEST_URL, with a query; ACTIONS_ID_TOKEN_REQUEST_TOKEN as the bearer): it
 * checks the request, and mints a token of the test issuer for the audience asked, expiring in
 * TOKEN_LIFETIME_S seconds.
 */
class RunnerTokenEndpoint {
  static async start(mint: (audience: string, exp: number) => string): Promise<RunnerTokenEndpoint> {
    const endpoint = new RunnerTokenEndpoint(mint);
    await new Promise<void>(listening => endpoint.server.listen(0, '127.0.0.1', listening));
    return endpoint;
  }

  readonly requestToken = `runner-${Date.now().toString(36)}`;
  /** Each token minted: when, for which audience, and its exp (seconds). */
  readonly minted: Array<{ at: number; audience: string; exp: number; token: string }> = [];
  /** Requests refused, with why. */
  readonly refused: string[] = [];
  private readonly server: Server;

  private constructor(mint: (audience: string, exp: number) => string) {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const audience = url.searchParams.get('audience');
      const refuse = (status: number, why: string) => {
        this.refused.push(why);
        res.writeHead(status).end();
      };
      if (req.method !== 'GET' || url.pathname !== '/idtoken' || url.searchParams.get('api-version') !== '2.0') return refuse(404, `${req.method} ${req.url}`);
      if (req.headers.authorization !== `bearer ${this.requestToken}`) return refuse(401, 'bearer');
      if (!audience) return refuse(400, 'audience');
      const exp = Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_S;
      const token = mint(audience, exp);
      this.minted.push({ at: Date.now(), audience, exp, token });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: token.length, value: token }));
    });
  }

  /** The variables the runner gives a job. */
  get jobEnv(): Record<string, string> {
    const { port } = this.server.address() as AddressInfo;
    return { ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/idtoken?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: this.requestToken };
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise(closed => this.server.close(() => closed()));
  }
}

/** How long the runner's tokens live here: kubectl must get new ones while the test runs. */
const TOKEN_LIFETIME_S = 5;
const sleep = (ms: number) => new Promise(done => setTimeout(done, ms));
/** Waits until the token's exp (seconds) has passed, with a margin. */
const pastExpiry = (exp: number) => sleep(Math.max(0, exp * 1000 - Date.now()) + 1_500);

describe('GitHub Actions: kubectl runs node, which asks the runner for a fresh token each time one is needed', () => {
  const SUB = 'repo:octo-org/infra:ref:refs/heads/main';
  let server: ApiServer;
  let runner: RunnerTokenEndpoint;
  let provider: OidcIdentityProvider;
  let kubeconfig: string;
  let issuerUrl: string;

  /** kubectl in a job: node on PATH, the runner's variables in the environment (or the ones given). */
  const kubectl = (file: string, args: string[], jobEnv: Record<string, string | undefined> = runner.jobEnv) => new Promise<Result>(done => {
    const environment: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` };
    for (const [name, value] of Object.entries({ ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined, ...jobEnv })) {
      if (value === undefined) delete environment[name]; else environment[name] = value;
    }
    execFile(env.binaries.kubectl, ['--kubeconfig', file, ...args], { env: environment }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
  const whoami = async (file = kubeconfig) => {
    const result = await kubectl(file, ['auth', 'whoami', '-o', 'json']);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    return JSON.parse(result.stdout).status.userInfo.username as string;
  };

  beforeAll(async () => {
    const dir = join(env.dir, 'github-actions');
    mkdirSync(dir);
    const stack = new Stack(new App(), 'GitHub', { env: { account: '111111111111', region: 'eu-west-1' } });
    const { cluster, eksCluster } = e2eCluster(stack);
    // GitHub's issuer, served by the test issuer: the claims GitHub's tokens carry, pinned to the owner.
    provider = new OidcIdentityProvider(stack, 'Provider', {
      cluster,
      clientId: CLIENT_ID,
      identityProviderConfigName: 'github',
      issuer: OidcIssuer.fromUrl(`${env.issuer.origin}/github`, { requiredClaims: { repository_owner: 'octo-org' } }),
    });
    provider.addRoleBinding('Job', { namespace: NAMESPACE, role: RoleRef.clusterRole(CONFIGMAP_READER.metadata.name), users: [SUB] });
    const output = provider.addKubeconfigOutput('Kubeconfig', { login: KubeconfigLogin.gitHubActions() });
    const template = Template.fromStack(stack).toJSON();

    const flags = oidcFlagsOf(template);
    issuerUrl = flags[0][1];
    const claims = { iss: issuerUrl, sub: SUB, repository: 'octo-org/infra', repository_owner: 'octo-org', ref: 'refs/heads/main' };
    // Each token has its own jti, as GitHub's do: two asked for within one second differ all the same.
    runner = await RunnerTokenEndpoint.start((audience, exp) => env.issuer.mint({ ...claims, aud: audience, exp, jti: randomUUID() }));
    server = await ApiServer.start(env.binaries.kubeApiServer, env.pki, env.etcd, flags, 'kubectl-github');
    for (const object of [...CLUSTER_OBJECTS, ...kubernetesObjectsOf(template)]) await server.apply(object);
    await server.waitForAuthentication(env.issuer.mint({ ...claims, aud: CLIENT_ID }));

    kubeconfig = join(dir, 'github.kubeconfig');
    writeFileSync(kubeconfig, resolve(template.Outputs[stack.resolve(output.logicalId)].Value, {
      [JSON.stringify(stack.resolve(eksCluster.attrEndpoint))]: `https://127.0.0.1:${server.port}`,
      [JSON.stringify(stack.resolve(eksCluster.attrCertificateAuthorityData))]: env.pki.ca.toString('base64'),
    }));
  });

  afterAll(async () => {
    await server?.stop();
    await runner?.stop();
  });

  beforeEach(() => {
    runner.minted.length = 0;
    runner.refused.length = 0;
  });

  test('kubectl stays logged in past the first token\'s expiry: the runner is asked again, for the client ID as audience', async () => {
    expect(await whoami()).toBe(provider.usernameFor(SUB));
    expect(runner.minted).toHaveLength(1);
    await pastExpiry(runner.minted[0].exp);
    expect(Date.now()).toBeGreaterThan(runner.minted[0].exp * 1000);
    expect(await whoami()).toBe(provider.usernameFor(SUB));
    expect(await kubectl(kubeconfig, ['auth', 'can-i', 'list', 'configmaps', '-n', NAMESPACE])).toEqual({ code: 0, stdout: 'yes\n', stderr: '' });
    expect(runner.minted.length).toBeGreaterThan(1);
    expect(new Set(runner.minted.map(m => m.token)).size).toBe(runner.minted.length);
    expect(runner.minted.map(m => m.audience)).toEqual(runner.minted.map(() => CLIENT_ID));
    expect(runner.refused).toEqual([]);
    report('separate kubectl runs', runner.minted);
  });

  test('one long-lived kubectl (kubectl proxy) asks again once the token\'s expirationTimestamp has passed, before any request fails', async () => {
    const proxy = spawn(env.binaries.kubectl, ['--kubeconfig', kubeconfig, 'proxy', '--port=0'], {
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}`, ...runner.jobEnv }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const port = await proxyPort(proxy);
      const review = async () => (fetch(`http://127.0.0.1:${port}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
      }));
      const first = await review();
      expect(first.status).toBe(201);
      expect(((await first.json()) as any).status.userInfo.username).toBe(provider.usernameFor(SUB));
      expect(runner.minted).toHaveLength(1);
      // Still valid: the same token, no new one.
      expect((await review()).status).toBe(201);
      expect(runner.minted).toHaveLength(1);
      await pastExpiry(runner.minted[0].exp);
      // The first request after the expiry succeeds: client-go ran the plugin again before sending it.
      const second = await review();
      expect(second.status).toBe(201);
      expect(runner.minted).toHaveLength(2);
      expect(runner.minted[1].at).toBeGreaterThan(runner.minted[0].exp * 1000);
      report('one kubectl proxy', runner.minted);
    } finally {
      proxy.kill();
    }
  });

  test('a token minted for another audience is refused by the cluster', async () => {
    const config = parse(readFileSync(kubeconfig, 'utf8'));
    config.users[0].user.exec.env = [{ name: 'CDK_EKS_OIDC_AUDIENCE', value: 'another-audience' }];
    const wrongAudience = join(env.dir, 'github-actions', 'wrong-audience.kubeconfig');
    writeFileSync(wrongAudience, stringify(config));
    const { code, stderr } = await kubectl(wrongAudience, ['auth', 'whoami']);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/Unauthorized|must be logged in/);
    // The runner minted it, as GitHub mints a token for any audience a job asks for (and again:
    // client-go runs the plugin once more after a 401).
    expect(runner.minted.length).toBeGreaterThanOrEqual(1);
    expect(runner.minted.map(m => m.audience)).toEqual(runner.minted.map(() => 'another-audience'));
  });

  test.each<[string, Record<string, string | undefined> | (() => Record<string, string>), string]>([
    ['a job without permissions: id-token: write (no runner variables)', {},
      'cdk-eks-oidc: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set: run this in a GitHub Actions job with permissions: id-token: write'],
    ['a request token the runner refuses', () => ({ ...runner.jobEnv, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'stale-request-token' }),
      'cdk-eks-oidc: the runner\'s token endpoint answered HTTP 401'],
  ])('%s: kubectl fails with the script\'s message, and no token in its output', async (_, jobEnv, message) => {
    const result = await kubectl(kubeconfig, ['auth', 'whoami'], typeof jobEnv === 'function' ? jobEnv() : jobEnv);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
    expect(runner.minted).toEqual([]);
    for (const secret of [runner.requestToken, 'stale-request-token']) expect(result.stderr).not.toContain(secret);
  });
});

/** The port `kubectl proxy --port=0` prints ("Starting to serve on 127.0.0.1:<port>"). */
function proxyPort(proxy: ChildProcess): Promise<number> {
  return new Promise((done, fail) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`kubectl proxy printed no port: ${output}`)), 20_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(output)?.[1];
      if (port) {
        clearTimeout(timer);
        done(Number(port));
      }
    };
    proxy.stdout!.on('data', read);
    proxy.stderr!.on('data', read);
    proxy.on('exit', code => fail(new Error(`kubectl proxy exited (${code}): ${output}`)));
  });
}

/** The timings of the tokens minted, for the record (the test's log). */
function report(what: string, minted: Array<{ at: number; exp: number }>): void {
  const start = minted[0]?.at ?? 0;
  // eslint-disable-next-line no-console
  console.log(`${what}: ${minted.length} tokens minted, at ${minted.map(m => `+${((m.at - start) / 1000).toFixed(1)} s (exp +${Math.round((m.exp * 1000 - start) / 1000)} s)`).join(', ')}`);
}


/**
 * The cluster this server stands in for. Its endpoint and CA are deploy-time values, as for a
 * cluster of the app: the attributes of an EKS cluster resource.
 */
function e2eCluster(stack: Stack): { cluster: eks.ICluster; eksCluster: CfnCluster } {
  const eksCluster = new CfnCluster(stack, 'Eks', {
    roleArn: 'arn:aws:iam::111111111111:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-0a1b2c3d'] },
  });
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: 'e2e',
    clusterEndpoint: eksCluster.attrEndpoint,
    clusterCertificateAuthorityData: eksCluster.attrCertificateAuthorityData,
    kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', { serviceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:kubectl' }),
  });
  return { cluster, eksCluster };
}

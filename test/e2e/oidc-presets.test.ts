// OidcIssuer presets on a real kube-apiserver: each provider is synthesized through the public
// API, kube-apiserver runs with the OIDC flags of its template (unchanged), and tokens shaped like
// the identity provider's log in as usernameFor()/groupFor() predict, or are refused with 401.
// Presets whose issuer URL is a public host (GitHub Actions, Cognito) reach the local issuer
// through a loopback proxy that only knows those hosts. The GitHub Actions presets pin by the IDs
// GitHub never reuses: a squatter's token, with the owner's recycled name but its own ID, is refused,
// and TokenJudge names the required claim that refuses it.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { CONFIGMAP_READER } from './cluster-objects';
import { ApiServer } from './control-plane';
import { e2eEnvironment } from './environment';
import { IssuerProxy } from './issuer-proxy';
import { kubernetesObjectsOf, oidcFlagsOf, resolve } from './template';
import { GitHubActionsSubject, OidcIdentityProvider, OidcIssuer, TokenJudge } from '../../src';

jest.setTimeout(180_000);

const CLIENT_ID = 'kubernetes';
const GITHUB = 'token.actions.githubusercontent.com';
const COGNITO = 'cognito-idp.eu-west-1.amazonaws.com';
const POOL_ID = 'eu-west-1_AbCdEf123';

/** The IDs of the owners and repositories of these tests, as GitHub's API would give them. */
const IDS: Record<string, string> = { 'octo-org': '1001', 'mallory': '6666', 'octo-org/infra': '2002', 'octo-org/web': '2003', 'mallory/infra': '6667' };
const INFRA = { owner: 'octo-org', ownerId: IDS['octo-org'], repository: 'infra', repositoryId: IDS['octo-org/infra'] };

/**
 * A GitHub Actions token's claims for a workflow on a branch of a repository; its `sub` in the
 * name-only form, or in the immutable form of repositories with immutable subject claims, spelled
 * here as GitHub's OIDC reference gives it (independently of GitHubActionsSubject).
 */
const gitHubClaims = (owner: string, repo: string, branch = 'main', immutable = false) => ({
  sub: immutable
    ? `repo:${owner}@${IDS[owner]}/${repo}@${IDS[`${owner}/${repo}`]}:ref:refs/heads/${branch}`
    : `repo:${owner}/${repo}:ref:refs/heads/${branch}`,
  repository: `${owner}/${repo}`,
  repository_id: IDS[`${owner}/${repo}`],
  repository_owner: owner,
  repository_owner_id: IDS[owner],
  ref: `refs/heads/${branch}`,
  event_name: 'push',
  job_workflow_ref: `${owner}/${repo}/.github/workflows/deploy.yml@refs/heads/${branch}`,
});

/**
 * The squatter: whoever registered the name "octo-org" after the organisation was deleted or
 * renamed. Its tokens carry the name, and its own organisation's and repository's IDs.
 */
const squatterClaims = () => ({ ...gitHubClaims('octo-org', 'infra'), repository_owner_id: '7777', repository_id: '7778' });

interface PresetCase {
  readonly name: string;
  /** The public host the issuer URL names, reached through the proxy. */
  readonly host?: string;
  readonly issuer: (stack: Stack, localOrigin: string) => OidcIssuer;
  /** The claims of a token whose identity is bound to the reader role (beyond iss and aud). */
  readonly bound: Record<string, unknown>;
  /** Its username claim's value, and its groups claim's values. */
  readonly identity: { username: string; groups: string[] };
  readonly bind: (provider: OidcIdentityProvider) => void;
  /** Tokens that log in but hold no grant. */
  readonly unbound: Array<[string, Record<string, unknown>]>;
  /** Tokens that must be refused with 401, and the claims TokenJudge names as why, where the test asks it. */
  readonly refused: Array<[string, Record<string, unknown>, string[]?]>;
  /** Other tokens of the bound identity, which may read as it does. */
  readonly alsoBound?: Array<[string, Record<string, unknown>]>;
}

const CASES: PresetCase[] = [
  {
    name: 'GitHub Actions, pinned to an owner by its ID (and name); bound by both subject forms',
    host: GITHUB,
    issuer: () => OidcIssuer.gitHubActions({ ownerId: INFRA.ownerId, owner: INFRA.owner }),
    bound: gitHubClaims('octo-org', 'infra'),
    identity: { username: 'repo:octo-org/infra:ref:refs/heads/main', groups: [] },
    bind: p => p.addClusterRoleBinding('InfraDeploy', {
      clusterRole: CONFIGMAP_READER.metadata.name, users: GitHubActionsSubject.forBranch({ ...INFRA, branch: 'main' }),
    }),
    alsoBound: [['the same workflow, after the repository switched to immutable subject claims', gitHubClaims('octo-org', 'infra', 'main', true)]],
    unbound: [
      ['another repository of the owner', gitHubClaims('octo-org', 'web')],
      ['another branch, in the immutable form', gitHubClaims('octo-org', 'infra', 'feature', true)],
    ],
    refused: [
      ['the squatter of the owner\'s name', squatterClaims(), ['repository_owner_id']],
      ['a repository of another owner', gitHubClaims('mallory', 'infra'), ['repository_owner', 'repository_owner_id']],
      ['another owner claiming the owner\'s name and repository name', { ...gitHubClaims('mallory', 'infra'), repository_owner: 'octo-org', repository: 'octo-org/infra' },
        ['repository_owner_id']],
      ['no repository_owner_id', { ...gitHubClaims('octo-org', 'infra'), repository_owner_id: undefined }, ['repository_owner_id']],
      ['repository_owner_id as a number', { ...gitHubClaims('octo-org', 'infra'), repository_owner_id: 1001 }, ['repository_owner_id']],
    ],
  },
  {
    name: 'GitHub Actions, pinned to one repository by IDs alone',
    host: GITHUB,
    issuer: () => OidcIssuer.gitHubActions({ ownerId: INFRA.ownerId, repositoryId: INFRA.repositoryId }),
    bound: gitHubClaims('octo-org', 'infra', 'main', true),
    identity: { username: 'repo:octo-org@1001/infra@2002:ref:refs/heads/main', groups: [] },
    bind: p => p.addClusterRoleBinding('InfraDeploy', {
      clusterRole: CONFIGMAP_READER.metadata.name, users: GitHubActionsSubject.forBranch({ ...INFRA, branch: 'main' }),
    }),
    alsoBound: [['the same workflow, in the name-only form', gitHubClaims('octo-org', 'infra')]],
    unbound: [['a workflow of the repository on another branch', gitHubClaims('octo-org', 'infra', 'feature')]],
    refused: [
      ['the squatter of the owner\'s name, with a repository of the same name', squatterClaims(), ['repository_id', 'repository_owner_id']],
      ['another repository of the owner', gitHubClaims('octo-org', 'web'), ['repository_id']],
      ['a repository of another owner', gitHubClaims('mallory', 'infra'), ['repository_id', 'repository_owner_id']],
    ],
  },
  {
    name: 'Cognito user pool: cognito:username and cognito:groups',
    host: COGNITO,
    issuer: stack => OidcIssuer.cognitoUserPool(cognito.UserPool.fromUserPoolId(stack, 'Pool', POOL_ID)),
    bound: { 'sub': 'a1b2c3d4-0000-4000-8000-000000000001', 'cognito:username': 'alice', 'cognito:groups': ['admins', 'readers'], 'token_use': 'id' },
    identity: { username: 'alice', groups: ['admins', 'readers'] },
    bind: p => p.addClusterRoleBinding('Admins', { clusterRole: CONFIGMAP_READER.metadata.name, groups: ['admins'] }),
    unbound: [['bob, only a reader', { 'sub': 'b0000000-0000-4000-8000-000000000002', 'cognito:username': 'bob', 'cognito:groups': ['readers'] }]],
    refused: [['no cognito:username', { 'sub': 'c0000000-0000-4000-8000-000000000003', 'cognito:groups': ['admins'] }]],
  },
  {
    name: 'Keycloak: preferred_username and full group paths',
    issuer: (_, localOrigin) => OidcIssuer.keycloak({ url: `${localOrigin}/`, realm: 'platform' }),
    bound: { sub: 'f:1:alice', preferred_username: 'alice', groups: ['/platform', '/platform/sre'] },
    identity: { username: 'alice', groups: ['/platform', '/platform/sre'] },
    bind: p => p.addClusterRoleBinding('Sre', { clusterRole: CONFIGMAP_READER.metadata.name, groups: ['/platform/sre'] }),
    unbound: [['bob, in /platform only', { sub: 'f:1:bob', preferred_username: 'bob', groups: ['/platform'] }]],
    refused: [['no preferred_username', { sub: 'f:1:carol', groups: ['/platform/sre'] }]],
  },
];

const env = e2eEnvironment('presets', [GITHUB, COGNITO]);
let proxy: IssuerProxy;

beforeAll(async () => {
  proxy = await IssuerProxy.start([GITHUB, COGNITO], env.issuer.port);
});

afterAll(async () => {
  await proxy?.stop();
});

describe.each(CASES)('$name', (c) => {
  let server: ApiServer;
  let stack: Stack;
  let provider: OidcIdentityProvider;
  /** The env.issuer URL, as CloudFormation resolves it: the Cognito pool's is a deploy-time value. */
  let issuerUrl: string;
  /** A name the provider spells, as CloudFormation resolves it. */
  const deployed = (value: string) => resolve(stack.resolve(value));
  const token = (claims: Record<string, unknown>) => env.issuer.mint({ iss: issuerUrl, aud: CLIENT_ID, ...claims });
  const who = async (jwt: string) => {
    const response = await server.request(jwt, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    return { status: response.status, user: response.body?.status?.userInfo };
  };
  const reads = async (jwt: string) => (await server.request(jwt, 'GET', '/api/v1/namespaces/default/configmaps')).status;

  beforeAll(async () => {
    stack = new Stack(new App(), 'Presets', { env: { account: '111111111111', region: 'eu-west-1' } });
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
      clusterName: 'e2e',
      kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', { serviceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:kubectl' }),
    });
    provider = new OidcIdentityProvider(stack, 'Provider', { cluster, issuer: c.issuer(stack, env.issuer.origin), clientId: CLIENT_ID });
    c.bind(provider);
    const template = Template.fromStack(stack).toJSON();
    const flags = oidcFlagsOf(template);
    issuerUrl = deployed(provider.issuerUrl);
    server = await ApiServer.start(env.binaries.kubeApiServer, env.pki, env.etcd, flags, `preset-${CASES.indexOf(c)}`,
      { ...process.env, HTTPS_PROXY: proxy.url, https_proxy: proxy.url, NO_PROXY: '', no_proxy: '' });
    for (const object of [CONFIGMAP_READER, ...kubernetesObjectsOf(template)]) await server.apply(object);
    await server.waitForAuthentication(token(c.bound));
  });

  afterAll(async () => {
    await server?.stop();
  });

  test('the env.issuer URL is the preset\'s public one, reached through the proxy', () => {
    if (c.host === undefined) {
      expect(issuerUrl).toBe(`${env.issuer.origin}/realms/platform`);
      return;
    }
    expect(new URL(issuerUrl).host).toBe(c.host);
    expect(proxy.tunnels).toContain(`${c.host}:443`);
  });

  test('a token of the bound identity logs in as usernameFor()/groupFor() say, and may read', async () => {
    const { status, user } = await who(token(c.bound));
    expect(status).toBe(201);
    expect(user.username).toBe(deployed(provider.usernameFor(c.identity.username)));
    expect(user.groups.slice().sort()).toEqual([...c.identity.groups.map(g => deployed(provider.groupFor(g))), 'system:authenticated'].sort());
    expect(await reads(token(c.bound))).toBe(200);
  });

  test('other tokens of the bound identity may read too', async () => {
    for (const [why, claims] of c.alsoBound ?? []) {
      const { status, user } = await who(token(claims));
      expect([why, status, user.username]).toEqual([why, 201, deployed(provider.usernameFor(claims.sub as string))]);
      expect([why, await reads(token(claims))]).toEqual([why, 200]);
    }
  });

  test('other identities the preset lets in hold no grant', async () => {
    expect(c.unbound.length).toBeGreaterThan(0);
    for (const [, claims] of c.unbound) {
      expect((await who(token(claims))).status).toBe(201);
      expect(await reads(token(claims))).toBe(403);
    }
  });

  test('tokens the preset pins out are refused with 401', async () => {
    const statuses = await Promise.all(c.refused.map(async ([why, claims]) => [why, (await who(token(claims))).status]));
    expect(statuses).toEqual(c.refused.map(([why]) => [why, 401]));
  });

  test('TokenJudge, from the provider\'s settings, refuses them too, naming the required claims that refuse them', () => {
    const explained = c.refused.filter(([, , claims]) => claims !== undefined);
    if (explained.length === 0) return;
    const issuer = c.issuer(stack, env.issuer.origin);
    const judge = new TokenJudge({ issuer, clientId: CLIENT_ID });
    expect(judge.explain(token(c.bound))).toMatchObject({ accepted: true });
    for (const [why, claims, problemClaims] of explained) {
      const found = (claim: string) => (claims[claim] === undefined ? 'nothing' : JSON.stringify(claims[claim]));
      expect([why, judge.explain(token(claims))]).toMatchObject([why, {
        accepted: false,
        problems: problemClaims!.map(claim => `${claim}: found ${found(claim)}, expected exactly "${issuer.requiredClaims![claim]}" (a required claim). `
          + 'Use a token that carries it, or change requiredClaims'),
      }]);
    }
  });
});

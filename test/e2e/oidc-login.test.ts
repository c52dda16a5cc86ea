// OIDC login and RBAC, end to end, on a real kube-apiserver: for each provider configuration,
// synthesize a stack through the public API, start kube-apiserver with the OIDC flags that the
// template's AWS::EKS::IdentityProviderConfig says, apply the template's RBAC manifests, and let
// the server say who each token is and what it may do.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { CONFIGMAP_READER, NAMESPACE, NAMESPACE_OBJECT } from './cluster-objects';
import { ApiServer } from './control-plane';
import { e2eEnvironment } from './environment';
import { kubernetesObjectsOf, oidcFlagsOf } from './template';
import { OidcIdentityProvider, OidcIdentityProviderProps, OidcIssuer, RoleRef } from '../../src';

jest.setTimeout(180_000);

const CLIENT_ID = 'kubernetes';
/** Roles of the cluster with explicit rules, created before the bindings. */
const CLUSTER_OBJECTS = [
  NAMESPACE_OBJECT,
  CONFIGMAP_READER,
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'e2e-namespace-reader' },
    rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list'] }],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'e2e-configmap-writer', namespace: NAMESPACE },
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['create'] }],
  },
];

interface Case {
  readonly name: string;
  /** Appended to the local issuer's origin. */
  readonly issuerPath: string;
  readonly props: Partial<OidcIdentityProviderProps>;
  /** Claims every valid token of this case carries beyond iss, aud, sub. */
  readonly claims?: Record<string, unknown>;
}

const CASES: Case[] = [
  { name: 'default claim sub, issuer# prefix, issuer without path', issuerPath: '', props: {} },
  { name: 'default claim sub, issuer# prefix, issuer with a path', issuerPath: '/realms/platform', props: {} },
  { name: 'sub without prefix ("-")', issuerPath: '/dex', props: { usernamePrefix: '-' } },
  { name: 'sub with an explicit prefix', issuerPath: '/oauth2/default', props: { usernamePrefix: 'oidc:' } },
  { name: 'email claim, no prefix', issuerPath: '/okta', props: { usernameClaim: 'email' } },
  { name: 'email claim with a prefix', issuerPath: '/okta', props: { usernameClaim: 'email', usernamePrefix: 'okta:' } },
  { name: 'another claim, issuer# prefix', issuerPath: '/keycloak', props: { usernameClaim: 'preferred_username' } },
  { name: 'groups without prefix', issuerPath: '/entra', props: { groupsClaim: 'groups' } },
  { name: 'groups with a prefix', issuerPath: '/entra/v2.0', props: { usernamePrefix: 'entra:', groupsClaim: 'groups', groupsPrefix: 'entra:' } },
  {
    name: 'required claims, groups from another claim',
    issuerPath: '/github',
    props: { usernameClaim: 'email', groupsClaim: 'roles', groupsPrefix: 'gh:', requiredClaims: { hd: 'example.com', tier: 'prod' } },
    claims: { hd: 'example.com', tier: 'prod' },
  },
];

/**
 * The identities of every case, with the groups their tokens carry where the provider reads
 * groups: alice is bound as a user, bob through the group GROUP, mallory not at all.
 */
const GROUP = 'platform';
const ALICE = { sub: 'alice-0a1b', email: 'alice@example.com', email_verified: true, preferred_username: 'alice', groups: ['developers'] };
const BOB = { sub: 'bob-9z8y', email: 'bob@example.com', email_verified: true, preferred_username: 'bob', groups: [GROUP, 'on-call'] };
const MALLORY = { sub: 'mallory-7c6d', email: 'mallory@example.com', email_verified: true, preferred_username: 'mallory', groups: [] };
type Identity = typeof ALICE;

const env = e2eEnvironment('e2e');

/** The stack of one case, synthesized through the public API, and the provider in it. */
function synthesize(c: Case, issuerUrl: string) {
  const stack = new Stack(new App(), 'E2e', { env: { account: '111111111111', region: 'eu-west-1' } });
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: 'e2e',
    kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
      serviceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:kubectl',
    }),
  });
  const provider = new OidcIdentityProvider(stack, 'Provider', { cluster, issuer: OidcIssuer.fromUrl(issuerUrl), clientId: CLIENT_ID, ...c.props });
  const usernameClaim = c.props.usernameClaim ?? 'sub';
  provider.addRoleBinding('Alice', { namespace: NAMESPACE, role: RoleRef.clusterRole(CONFIGMAP_READER.metadata.name), users: [claim(ALICE, usernameClaim)] });
  if (c.props.groupsClaim) {
    provider.addClusterRoleBinding('PlatformNamespaces', { clusterRole: 'e2e-namespace-reader', groups: [GROUP] });
    provider.addRoleBinding('PlatformWriters', { namespace: NAMESPACE, role: RoleRef.role('e2e-configmap-writer'), groups: [GROUP] });
  }
  return { provider, template: Template.fromStack(stack).toJSON() };
}

const claim = (identity: Identity, name: string) => String(identity[name as keyof Identity]);

describe.each(CASES)('$name', (c) => {
  let server: ApiServer;
  let issuerUrl: string;
  let provider: OidcIdentityProvider;
  let groupsClaim: string | undefined;

  const token = ({ groups, ...identity }: Identity, extra: Record<string, unknown> = {}) => env.issuer.mint({
    iss: issuerUrl,
    aud: CLIENT_ID,
    ...identity,
    ...(groupsClaim ? { [groupsClaim]: groups } : {}),
    ...c.claims,
    ...extra,
  });
  /** Runs a check; on failure the error carries the apiserver's log tail. */
  const withLog = async (check: () => Promise<void>) => {
    try {
      await check();
    } catch (error) {
      (error as Error).message += `\n${server.process.tail()}`;
      throw error;
    }
  };
  const who = async (jwt: string) => {
    const response = await server.request(jwt, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    return { status: response.status, user: response.body?.status?.userInfo };
  };
  const can = async (jwt: string, verb: string, resource: string, namespace?: string) => {
    const response = await server.request(jwt, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb, resource, namespace } },
    });
    expect(response.status).toBe(201);
    return response.body.status.allowed === true;
  };
  const status = async (jwt: string, method: string, path: string, body?: unknown) => (await server.request(jwt, method, path, body)).status;

  beforeAll(async () => {
    issuerUrl = env.issuer.origin + c.issuerPath;
    const synthesized = synthesize(c, issuerUrl);
    provider = synthesized.provider;
    const flags = oidcFlagsOf(synthesized.template);
    groupsClaim = flags.find(([flag]) => flag === 'groups-claim')?.[1];
    server = await ApiServer.start(env.binaries.kubeApiServer, env.pki, env.etcd, flags, `case-${CASES.indexOf(c)}`);
    await withLog(async () => {
      for (const object of [...CLUSTER_OBJECTS, ...kubernetesObjectsOf(synthesized.template)]) await server.apply(object);
      await server.waitForAuthentication(token(ALICE));
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  test('SelfSubjectReview: the user and groups usernameFor and groupFor predicted', () => withLog(async () => {
    const usernameClaim = c.props.usernameClaim ?? 'sub';
    for (const identity of [ALICE, BOB]) {
      const { status: code, user } = await who(token(identity));
      expect(code).toBe(201);
      expect(user.username).toBe(provider.usernameFor(claim(identity, usernameClaim)));
      const groups = groupsClaim ? identity.groups.map(group => provider.groupFor(group)) : [];
      expect(user.groups.slice().sort()).toEqual([...groups, 'system:authenticated'].sort());
    }
  }));

  test('alice, bound as a user: configmaps of the namespace, and nothing more', () => withLog(async () => {
    const alice = token(ALICE);
    expect(await can(alice, 'list', 'configmaps', NAMESPACE)).toBe(true);
    expect(await can(alice, 'delete', 'configmaps', NAMESPACE)).toBe(false);
    expect(await can(alice, 'list', 'configmaps', 'default')).toBe(false);
    expect(await status(alice, 'GET', `/api/v1/namespaces/${NAMESPACE}/configmaps`)).toBe(200);
    expect(await status(alice, 'GET', `/api/v1/namespaces/${NAMESPACE}/secrets`)).toBe(403);
    expect(await status(alice, 'GET', '/api/v1/namespaces/default/configmaps')).toBe(403);
    expect(await status(alice, 'GET', '/api/v1/namespaces')).toBe(403);
  }));

  test('bob, bound through a group when the provider has groups', () => withLog(async () => {
    const bob = token(BOB);
    const inGroup = groupsClaim !== undefined;
    expect(await can(bob, 'list', 'namespaces')).toBe(inGroup);
    expect(await can(bob, 'create', 'configmaps', NAMESPACE)).toBe(inGroup);
    expect(await status(bob, 'GET', '/api/v1/namespaces')).toBe(inGroup ? 200 : 403);
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'e2e-' } };
    expect(await status(bob, 'POST', `/api/v1/namespaces/${NAMESPACE}/configmaps`, configMap)).toBe(inGroup ? 201 : 403);
    expect(await status(bob, 'GET', `/api/v1/namespaces/${NAMESPACE}/configmaps`)).toBe(403);
  }));

  test('mallory, outside every binding, is authenticated and forbidden', () => withLog(async () => {
    const mallory = token(MALLORY);
    expect((await who(mallory)).status).toBe(201);
    expect(await can(mallory, 'list', 'configmaps', NAMESPACE)).toBe(false);
    expect(await status(mallory, 'GET', `/api/v1/namespaces/${NAMESPACE}/configmaps`)).toBe(403);
    expect(await status(mallory, 'GET', '/api/v1/namespaces')).toBe(403);
  }));

  test('tokens that do not match the configuration are rejected with 401', () => withLog(async () => {
    const rejected: Array<[string, string]> = [
      ['wrong audience', token(ALICE, { aud: 'someone-else' })],
      ['wrong issuer', token(ALICE, { iss: `${issuerUrl}/other` })],
      ['expired', token(ALICE, { exp: Math.floor(Date.now() / 1000) - 600 })],
    ];
    for (const key of Object.keys(c.claims ?? {})) {
      rejected.push([`missing required claim ${key}`, token(ALICE, { [key]: undefined })]);
      rejected.push([`wrong required claim ${key}`, token(ALICE, { [key]: 'wrong' })]);
    }
    if ((c.props.usernameClaim ?? 'sub') === 'email') {
      rejected.push(['email_verified false', token(ALICE, { email_verified: false })]);
    }
    const statuses = await Promise.all(rejected.map(async ([why, jwt]) => [why, (await who(jwt)).status]));
    expect(statuses).toEqual(rejected.map(([why]) => [why, 401]));
  }));
});

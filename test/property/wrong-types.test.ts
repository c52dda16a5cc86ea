// Property-based tests of what JavaScript callers (and values read from the environment, JSON or
// YAML) can pass that TypeScript would refuse: for every property of every public struct, every
// option of every OidcIssuer preset and of OidcIssuer.fromUrl, and every string argument, values
// of the wrong JavaScript type (numbers, booleans, null, undefined where required, objects,
// lists, maps and lists holding a non-string, bigints, symbols). Each must be refused with our
// error (name EksOidcError, id cdk-eks-oidc:wrongType) on a line that names the property and
// the type expected, never with a bare TypeError or any other error.
//
// Run counts (see runs.ts): each property gets its fixed examples of every wrong kind, plus
// runs(1/100) generated values: 100 in CI (CI=true), 1 locally, FC_RUNS/100 with FC_RUNS set.
import { readdirSync } from 'fs';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as fc from 'fast-check';
import * as ts from 'typescript';
import { runs, SEED } from './runs';
import {
  ClusterRoleBinding, GitHubActionsSubject, IOidcIdentityProvider, KubeconfigLogin, OidcIdentityProvider, OidcIssuer, OidcSettings, RoleBinding,
  RoleRef, TokenJudge,
} from '../../src';

const settings = (examples: unknown[]): fc.Parameters<[unknown]> => ({
  numRuns: runs(1 / 100), seed: SEED, endOnFailure: true, examples: examples.map(e => [e]),
});

/** What a property takes, and how the error says it (the type's half of the message). */
const EXPECTED = {
  'string': 'expected a string, received',
  'string?': 'expected a string, or nothing, received',
  'string map?': 'expected an object whose values are strings, or nothing, received',
  'string list?': 'expected a list of strings, or nothing, received',
  'cluster': 'expected an EKS cluster',
  'cluster?': 'expected an EKS cluster',
  'issuer': 'expected an OidcIssuer',
  'role': 'expected a RoleRef',
  'provider': 'expected an OIDC identity provider',
  'settings?': 'expected an object with issuer and clientId',
  'options': 'expected an object of options',
  'options?': 'expected an object of options',
  'userPool': 'expected a Cognito user pool',
  'login?': 'expected a KubeconfigLogin',
  'tokenCacheStorage?': 'expected a KubeloginTokenCacheStorage (',
  'grantType?': 'expected a KubeloginGrantType (',
  'pkceMethod?': 'expected a KubeloginPkceMethod (',
  'duration?': 'expected a Duration, received',
} as const;
type Kind = keyof typeof EXPECTED;
const required = (kind: Kind) => !kind.endsWith('?');

// Values of each JavaScript type.
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -0, NaN, Infinity));
const boolean = fc.boolean();
const string = fc.string({ maxLength: 10 });
const plainObject = fc.object({ maxDepth: 1, maxKeys: 3 });
const list = fc.array(fc.oneof(string, number), { maxLength: 3 });
const bigint = fc.bigInt();
const symbol = string.map(s => Symbol(s));
const notString = fc.oneof(number, boolean, fc.constant(null), fc.constant(undefined), plainObject, list, bigint, symbol);

/** Wrong values of a kind, generated, and one example of each sort of wrong value. */
function wrong(kind: Kind): { values: fc.Arbitrary<unknown>; examples: unknown[] } {
  const primitives: Array<[fc.Arbitrary<unknown>, unknown]> = [[number, 5], [boolean, true], [fc.constant(null), null], [bigint, BigInt(5)], [symbol, Symbol('x')]];
  const sorts: Array<[fc.Arbitrary<unknown>, unknown]> = [...primitives];
  switch (kind) {
    case 'string':
    case 'string?':
      sorts.push([plainObject, { value: 'x' }], [list, ['x']]);
      break;
    case 'string map?':
      sorts.push([string, 'hd=example.com'], [list, ['x']],
        [fc.tuple(fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), string, { maxKeys: 2 }), notString)
          .map(([map, value]) => ({ ...map, k: value })), { hd: undefined }], [fc.constant({ k: 5 }), { k: 5 }]);
      break;
    case 'string list?':
      sorts.push([string, 'alice'], [plainObject, { 0: 'alice' }], [fc.tuple(fc.array(string, { maxLength: 2 }), notString)
        .map(([items, item]) => [...items, item]), ['alice', 5]], [fc.constant([undefined]), [undefined]]);
      break;
    case 'options':
    case 'options?':
    case 'settings?':
      // Any object is options to look into: its properties are checked one by one below.
      sorts.push([string, 'https://idp.example.com']);
      break;
    default:
      // Objects that are not what is expected, and what a caller might pass instead (a name, a URL).
      sorts.push([string, 'prod'], [plainObject, { clusterName: 'prod', issuerUrl: 'https://idp.example.com', name: 'edit' }], [list, []]);
  }
  if (required(kind)) sorts.push([fc.constant(undefined), undefined]);
  return { values: fc.oneof(...sorts.map(([arbitrary]) => arbitrary)), examples: sorts.map(([, example]) => example) };
}

/** The one line of the message about the property, or a description of what is wrong with the error. */
function lineAbout(error: unknown, property: string): string {
  if (!(error instanceof Error)) return `no error, or not an Error: ${String(error)}`;
  if (error.name !== 'EksOidcError') return `${error.name} escaped: ${error.message}`;
  // `Invalid tags["k"] 5: ...`, `Invalid users[1] 5: ...` name the entry of the map or list.
  const pattern = new RegExp(`^Invalid ${property.replace(/[.[\]]/g, '\\$&')}(\\[[^\\]]*\\])? `);
  return error.message.split('\n').find(line => pattern.test(line)) ?? `no line names ${property}: ${error.message}`;
}

function errorOf(make: () => unknown): unknown {
  try {
    make();
  } catch (e) {
    return e;
  }
  return undefined;
}

const newStack = () => new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
const ARN = 'arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/okta/0ab1c2d3-e4f5-6789-abcd-ef0123456789';
const ISSUER = 'https://idp.example.com';

/** A cluster with kubectl access, as bindings need, cheap to make. */
function kubectlCluster(stack: Stack, id: string): eks.ICluster {
  return eks.Cluster.fromClusterAttributes(stack, id, {
    clusterName: `cluster-${id}`.toLowerCase(),
    kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, `${id}Kubectl`, {
      serviceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:kubectl',
    }),
  });
}

/** A valid provider, with groups, whose cluster can bind. */
function validProvider(stack: Stack, id: string): OidcIdentityProvider {
  return new OidcIdentityProvider(stack, id, {
    cluster: kubectlCluster(stack, `${id}Cluster`), issuer: OidcIssuer.fromUrl(ISSUER), clientId: 'kubernetes', groupsClaim: 'groups',
  });
}

/**
 * One API taking an object: its properties with their kinds, and how to call it with valid values
 * but the one given (`''` stands for the whole object).
 */
interface Target {
  /** The TypeScript interface of the object. */
  readonly struct: string;
  readonly props: Record<string, Kind>;
  readonly call: (stack: Stack, id: string, replace: (valid: object) => unknown) => unknown;
}

const SETTINGS: Record<string, Kind> = {
  issuer: 'issuer',
  clientId: 'string',
  usernameClaim: 'string?',
  usernamePrefix: 'string?',
  groupsClaim: 'string?',
  groupsPrefix: 'string?',
  requiredClaims: 'string map?',
};
const validSettings = (): OidcSettings => ({ issuer: OidcIssuer.fromUrl(ISSUER), clientId: 'kubernetes' });
const SUBJECTS: Record<string, Kind> = { users: 'string list?', groups: 'string list?', name: 'string?' };
const GITHUB_REPOSITORY: Record<string, Kind> = { owner: 'string', ownerId: 'string', repository: 'string', repositoryId: 'string' };
const validRepository = () => ({ owner: 'octo-org', ownerId: '1234567', repository: 'infra', repositoryId: '7654321' });

const TARGETS: Record<string, Target> = {
  'OidcIdentityProviderProps': {
    struct: 'OidcIdentityProviderProps',
    props: { ...SETTINGS, cluster: 'cluster', identityProviderConfigName: 'string?', tags: 'string map?' },
    call: (stack, id, replace) => new OidcIdentityProvider(stack, id, replace({ ...validSettings(), cluster: kubectlCluster(stack, `${id}Cluster`) }) as any),
  },
  'OidcIdentityProviderAttributes': {
    struct: 'OidcIdentityProviderAttributes',
    props: { clusterName: 'string', identityProviderConfigName: 'string', identityProviderConfigArn: 'string', cluster: 'cluster?', settings: 'settings?' },
    call: (stack, id, replace) => OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, id,
      replace({ clusterName: 'prod', identityProviderConfigName: 'okta', identityProviderConfigArn: ARN, cluster: kubectlCluster(stack, `${id}Cluster`) }) as any),
  },
  'OidcIdentityProviderAttributes.settings': {
    struct: 'OidcSettings',
    props: SETTINGS,
    call: (stack, id, replace) => OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, id, {
      clusterName: 'prod', identityProviderConfigName: 'okta', identityProviderConfigArn: ARN, settings: replace(validSettings()) as any,
    }),
  },
  'the OidcSettings of a TokenJudge': {
    struct: 'OidcSettings',
    props: SETTINGS,
    call: (_stack, _id, replace) => new TokenJudge(replace(validSettings()) as any),
  },
  'TokenJudge.explain options': {
    struct: 'ExplainOptions',
    props: { '': 'options?', 'jwks': 'string?' },
    call: (_stack, _id, replace) => new TokenJudge(validSettings()).explain('x.y.z', replace({}) as any),
  },
  'explainToken options': {
    struct: 'ExplainOptions',
    props: { '': 'options?', 'jwks': 'string?' },
    call: (stack, id, replace) => validProvider(stack, id).explainToken('x.y.z', replace({}) as any),
  },
  'OidcIssuer.fromUrl options': {
    struct: 'OidcIssuerOptions',
    props: { '': 'options?', 'usernameClaim': 'string?', 'groupsClaim': 'string?', 'requiredClaims': 'string map?', 'kubeconfigScopes': 'string list?' },
    call: (_stack, _id, replace) => OidcIssuer.fromUrl(ISSUER, replace({}) as any),
  },
  'OidcIssuer.entraId options': {
    struct: 'EntraIdIssuerOptions',
    props: { '': 'options', 'tenantId': 'string' },
    call: (_stack, _id, replace) => OidcIssuer.entraId(replace({ tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' }) as any),
  },
  'OidcIssuer.okta options': {
    struct: 'OktaIssuerOptions',
    props: { '': 'options', 'domain': 'string', 'authorizationServerId': 'string?' },
    call: (_stack, _id, replace) => OidcIssuer.okta(replace({ domain: 'example.okta.com' }) as any),
  },
  'OidcIssuer.googleWorkspace options': {
    struct: 'GoogleWorkspaceIssuerOptions',
    props: { '': 'options', 'domain': 'string' },
    call: (_stack, _id, replace) => OidcIssuer.googleWorkspace(replace({ domain: 'example.com' }) as any),
  },
  'OidcIssuer.keycloak options': {
    struct: 'KeycloakIssuerOptions',
    props: { '': 'options', 'url': 'string', 'realm': 'string' },
    call: (_stack, _id, replace) => OidcIssuer.keycloak(replace({ url: 'https://keycloak.example.com', realm: 'platform' }) as any),
  },
  'OidcIssuer.auth0 options': {
    struct: 'Auth0IssuerOptions',
    props: { '': 'options', 'domain': 'string' },
    call: (_stack, _id, replace) => OidcIssuer.auth0(replace({ domain: 'example.eu.auth0.com' }) as any),
  },
  'OidcIssuer.gitHubActions options': {
    struct: 'GitHubActionsIssuerOptions',
    props: { '': 'options', 'ownerId': 'string', 'owner': 'string?', 'repositoryId': 'string?', 'repository': 'string?' },
    call: (_stack, _id, replace) => OidcIssuer.gitHubActions(replace({ ownerId: '1234567' }) as any),
  },
  'OidcIssuer.gitLab options': {
    struct: 'GitLabIssuerOptions',
    props: { '': 'options', 'namespaceId': 'string', 'namespacePath': 'string?', 'projectId': 'string?', 'projectPath': 'string?', 'url': 'string?' },
    call: (_stack, _id, replace) => OidcIssuer.gitLab(replace({ namespaceId: '4242' }) as any),
  },
  'GitHubActionsRepository of GitHubActionsSubject.forPullRequest()': {
    struct: 'GitHubActionsRepository',
    props: { '': 'options', ...GITHUB_REPOSITORY },
    call: (_stack, _id, replace) => GitHubActionsSubject.forPullRequest(replace(validRepository()) as any),
  },
  'GitHubActionsSubject.forBranch options': {
    struct: 'GitHubActionsBranchSubjectOptions',
    props: { '': 'options', ...GITHUB_REPOSITORY, 'branch': 'string' },
    call: (_stack, _id, replace) => GitHubActionsSubject.forBranch(replace({ ...validRepository(), branch: 'main' }) as any),
  },
  'GitHubActionsSubject.forTag options': {
    struct: 'GitHubActionsTagSubjectOptions',
    props: { '': 'options', ...GITHUB_REPOSITORY, 'tag': 'string' },
    call: (_stack, _id, replace) => GitHubActionsSubject.forTag(replace({ ...validRepository(), tag: 'v1' }) as any),
  },
  'GitHubActionsSubject.forEnvironment options': {
    struct: 'GitHubActionsEnvironmentSubjectOptions',
    props: { '': 'options', ...GITHUB_REPOSITORY, 'environment': 'string' },
    call: (_stack, _id, replace) => GitHubActionsSubject.forEnvironment(replace({ ...validRepository(), environment: 'production' }) as any),
  },
  'ClusterRoleBindingProps': {
    struct: 'ClusterRoleBindingProps',
    props: { provider: 'provider', clusterRole: 'string', ...SUBJECTS },
    call: (stack, id, replace) => new ClusterRoleBinding(stack, id,
      replace({ provider: validProvider(stack, `${id}Provider`), clusterRole: 'view', users: ['alice'], groups: ['dev'] }) as any),
  },
  'RoleBindingProps': {
    struct: 'RoleBindingProps',
    props: { provider: 'provider', namespace: 'string', role: 'role', ...SUBJECTS },
    call: (stack, id, replace) => new RoleBinding(stack, id,
      replace({ provider: validProvider(stack, `${id}Provider`), namespace: 'apps', role: RoleRef.role('deployer'), users: ['alice'], groups: ['dev'] }) as any),
  },
  'ClusterRoleBindingOptions of addClusterRoleBinding()': {
    struct: 'ClusterRoleBindingOptions',
    props: { clusterRole: 'string', ...SUBJECTS },
    call: (stack, id, replace) => validProvider(stack, `${id}Provider`).addClusterRoleBinding(id,
      replace({ clusterRole: 'view', users: ['alice'], groups: ['dev'] }) as any),
  },
  'RoleBindingOptions of addRoleBinding()': {
    struct: 'RoleBindingOptions',
    props: { namespace: 'string', role: 'role', ...SUBJECTS },
    call: (stack, id, replace) => validProvider(stack, `${id}Provider`).addRoleBinding(id,
      replace({ namespace: 'apps', role: RoleRef.clusterRole('edit'), users: ['alice'], groups: ['dev'] }) as any),
  },
  'KubeconfigOptions of kubeconfig()': {
    struct: 'KubeconfigOptions',
    props: { '': 'options?', 'clusterEndpoint': 'string?', 'certificateAuthorityData': 'string?', 'extraScopes': 'string list?', 'login': 'login?', 'contextName': 'string?' },
    call: (stack, id, replace) => validProvider(stack, `${id}Provider`).kubeconfig(replace({}) as any),
  },
  'KubeconfigOptions of addKubeconfigOutput()': {
    struct: 'KubeconfigOptions',
    props: { '': 'options?', 'clusterEndpoint': 'string?', 'certificateAuthorityData': 'string?', 'extraScopes': 'string list?', 'login': 'login?', 'contextName': 'string?' },
    call: (stack, id, replace) => validProvider(stack, `${id}Provider`).addKubeconfigOutput(id, replace({}) as any),
  },
  'KubeloginOptions of KubeconfigLogin.kubelogin()': {
    struct: 'KubeloginOptions',
    props: {
      '': 'options?',
      'tokenCacheStorage': 'tokenCacheStorage?',
      'grantType': 'grantType?',
      'listenAddresses': 'string list?',
      'redirectUrl': 'string?',
      'authenticationTimeout': 'duration?',
      'pkceMethod': 'pkceMethod?',
    },
    call: (_stack, _id, replace) => KubeconfigLogin.kubelogin(replace({}) as any),
  },
};

/** Arguments that are not objects: the argument's name, its kind, and the call with it. */
const ARGUMENTS: Array<[string, string, Kind, (stack: Stack, id: string, value: unknown) => unknown]> = [
  ['OidcIssuer.fromUrl', 'issuerUrl', 'string', (_stack, _id, value) => OidcIssuer.fromUrl(value as string)],
  ['OidcIssuer.cognitoUserPool', 'userPool', 'userPool', (_stack, _id, value) => OidcIssuer.cognitoUserPool(value as any)],
  ['RoleRef.clusterRole', 'clusterRole', 'string', (_stack, _id, value) => RoleRef.clusterRole(value as string)],
  ['RoleRef.role', 'role', 'string', (_stack, _id, value) => RoleRef.role(value as string)],
  ['KubeconfigLogin.tokenFile', 'tokenFile', 'string', (_stack, _id, value) => KubeconfigLogin.tokenFile(value as string)],
  ['OidcIdentityProvider.fromIdentityProviderConfigArn', 'identityProviderConfigArn', 'string',
    (stack, id, value) => OidcIdentityProvider.fromIdentityProviderConfigArn(stack, id, value as string)],
  ['usernameFor', 'claimValue', 'string', (stack, id, value) => validProvider(stack, id).usernameFor(value as string)],
  ['groupFor', 'claimValue', 'string', (stack, id, value) => validProvider(stack, id).groupFor(value as string)],
  ['usernameFor of an import with settings', 'claimValue', 'string', (stack, id, value) => importWithSettings(stack, id).usernameFor(value as string)],
  ['explainToken', 'token', 'string', (stack, id, value) => validProvider(stack, id).explainToken(value as string)],
  ['TokenJudge.explain', 'token', 'string', (_stack, _id, value) => new TokenJudge(validSettings()).explain(value as string)],
];

function importWithSettings(stack: Stack, id: string): IOidcIdentityProvider {
  return OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, id, {
    clusterName: 'prod', identityProviderConfigName: 'okta', identityProviderConfigArn: ARN, settings: validSettings(),
  });
}

/** Asserts that every wrong value of the kind, given by `call`, is refused naming `property` and the type. */
function refusesWrongTypes(property: string, kind: Kind, call: (stack: Stack, id: string, value: unknown) => unknown): void {
  const stack = newStack();
  let n = 0;
  const { values, examples } = wrong(kind);
  fc.assert(fc.property(values, (value) => {
    const line = lineAbout(errorOf(() => call(stack, `Case${n++}`, value)), property);
    expect(line).toMatch(/^Invalid /);
    expect(line).toContain(`: ${EXPECTED[kind]}`);
    expect(line).toMatch(/ \[cdk-eks-oidc:wrongType\]$/);
  }), settings(examples));
}

describe.each(Object.entries(TARGETS))('%s', (_, target) => {
  test.each(Object.entries(target.props).map(([property, kind]) => [property || '(the object itself)', property, kind] as const))('%s', (__, property, kind) => {
    const replace = (value: unknown) => (valid: object) => (property === '' ? value : { ...valid, [property]: value });
    refusesWrongTypes(property === '' ? 'options' : property, kind, (stack, id, value) => target.call(stack, id, replace(value)));
  });
});

test.each(ARGUMENTS)('%s(%s)', (_, argument, kind, call) => {
  refusesWrongTypes(argument, kind, call);
});

test('every property of every public struct is covered, and every struct an API takes', () => {
  // Read from the sources, so that a property or a struct added later without a line here fails.
  // Our sources alone (aws-cdk-lib's types would take most of a minute to load, and add no property to ours).
  const src = join(__dirname, '../../src');
  const program = ts.createProgram(readdirSync(src).filter(f => f.endsWith('.ts')).map(f => join(src, f)), { noResolve: true, noLib: true, types: [] });
  const checker = program.getTypeChecker();
  const index = checker.getSymbolAtLocation(program.getSourceFile(join(__dirname, '../../src/index.ts'))!)!;
  const interfaces = new Map(checker.getExportsOfModule(index).filter(e => e.declarations?.some(ts.isInterfaceDeclaration))
    .map(e => [e.name, checker.getDeclaredTypeOfSymbol(e).getProperties().map(p => p.name).sort()]));
  for (const [name, target] of Object.entries(TARGETS)) {
    expect([name, Object.keys(target.props).filter(p => p !== '').sort()]).toEqual([name, interfaces.get(target.struct)]);
  }
  // Structs no API takes by themselves: a base of others, and what explainToken() returns.
  const notTaken = ['RbacSubjectOptions', 'TokenExplanation', 'IOidcIdentityProvider'];
  const structs = [...interfaces.keys()].filter(name => !notTaken.includes(name)).sort();
  expect(structs).toEqual([...new Set(Object.values(TARGETS).map(t => t.struct))].sort());
});

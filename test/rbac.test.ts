import { KubectlV32Layer } from '@aws-cdk/lambda-layer-kubectl-v32';
import { Annotations as CoreAnnotations, CfnWaitConditionHandle, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { IOidcIdentityProvider, OidcIdentityProvider, OidcIdentityProviderProps } from '../src';
import { ISSUER, newStack, provider } from './util';

const MANIFEST = 'Custom::AWSCDK-EKS-KubernetesResource';
const RBAC = 'rbac.authorization.k8s.io';

/** An aws-eks-v2 cluster with a kubectl provider. */
function v2Cluster(stack: Stack): eksv2.Cluster {
  return new eksv2.Cluster(stack, 'Cluster', {
    version: eksv2.KubernetesVersion.V1_32,
    kubectlProviderOptions: { kubectlLayer: new KubectlV32Layer(stack, 'Kubectl') },
  });
}

/** An imported aws-eks cluster with kubectl access. */
function v1Import(stack: Stack): eks.ICluster {
  return eks.Cluster.fromClusterAttributes(stack, 'Imported', {
    clusterName: 'prod',
    kubectlRoleArn: 'arn:aws:iam::111111111111:role/kubectl',
    kubectlLayer: new KubectlV32Layer(stack, 'Kubectl'),
  });
}

function rbacProvider(stack: Stack, props: Partial<OidcIdentityProviderProps> = {}) {
  return provider(stack, { cluster: v2Cluster(stack), ...props });
}

/** Each binding manifest of the stack in template order: its logical id, properties and one object. */
function manifests(stack: Stack): Array<{ logicalId: string; props: any; object: any }> {
  const resources = Template.fromStack(stack).findResources(MANIFEST) as Record<string, any>;
  return Object.entries(resources).map(([logicalId, resource]) => {
    const props = stack.resolve(resource.Properties);
    const objects = JSON.parse(props.Manifest);
    expect(objects).toHaveLength(1);
    return { logicalId, props, object: objects[0] };
  });
}

const objectsOf = (stack: Stack) => manifests(stack).map(m => m.object);
const subjectsOf = (stack: Stack) => objectsOf(stack).map(o => o.subjects);
const user = (name: string) => ({ kind: 'User', apiGroup: RBAC, name });
const group = (name: string) => ({ kind: 'Group', apiGroup: RBAC, name });

describe('binding objects', () => {
  test('a ClusterRoleBinding and RoleBindings, each in a manifest of its own', () => {
    const stack = newStack();
    const p = rbacProvider(stack, { groupsClaim: 'groups', groupsPrefix: 'oidc:' });
    p.addClusterRoleBinding('Viewers', { clusterRole: 'view', groups: ['engineering'], name: 'engineering-view' });
    p.addRoleBinding('Deployers', { namespace: 'team-a', role: 'deployer', users: ['0a1b2c'], name: 'deployers' });
    p.addRoleBinding('Editors', { namespace: 'team-a', clusterRole: 'edit', groups: ['team-a'], name: 'team-a-edit' });
    expect(objectsOf(stack)).toEqual([
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'ClusterRoleBinding',
        metadata: { name: 'engineering-view' },
        roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'view' },
        subjects: [group('oidc:engineering')],
      },
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'RoleBinding',
        metadata: { name: 'deployers', namespace: 'team-a' },
        roleRef: { apiGroup: RBAC, kind: 'Role', name: 'deployer' },
        subjects: [user(`${ISSUER}#0a1b2c`)],
      },
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'RoleBinding',
        metadata: { name: 'team-a-edit', namespace: 'team-a' },
        roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'edit' },
        subjects: [group('oidc:team-a')],
      },
    ]);
  });

  test.each([
    ['default claim sub: issuer#', {}, user(`${ISSUER}#0a1b2c`), '0a1b2c'],
    ['"-": no prefix', { usernamePrefix: '-' }, user('0a1b2c'), '0a1b2c'],
    ['email claim: the address', { usernameClaim: 'email' }, user('alice@example.com'), 'alice@example.com'],
    ['email claim with a prefix', { usernameClaim: 'email', usernamePrefix: 'okta:' }, user('okta:alice@example.com'), 'alice@example.com'],
    ['explicit prefix', { usernamePrefix: 'oidc:' }, user('oidc:0a1b2c'), '0a1b2c'],
  ])('users, %s', (_, props, expected, value) => {
    const stack = newStack();
    rbacProvider(stack, props).addClusterRoleBinding('Admins', { clusterRole: 'admin', users: [value] });
    expect(subjectsOf(stack)).toEqual([[expected]]);
  });

  test.each([
    ['without prefix', {}, group('engineering')],
    ['with prefix', { groupsPrefix: 'okta:' }, group('okta:engineering')],
  ])('groups, %s', (_, props, expected) => {
    const stack = newStack();
    rbacProvider(stack, { groupsClaim: 'groups', ...props }).addClusterRoleBinding('Viewers', { clusterRole: 'view', groups: ['engineering'] });
    expect(subjectsOf(stack)).toEqual([[expected]]);
  });

  test('users and groups in one binding, users first', () => {
    const stack = newStack();
    rbacProvider(stack, { groupsClaim: 'groups', usernameClaim: 'email' })
      .addClusterRoleBinding('Viewers', { clusterRole: 'view', groups: ['a', 'b'], users: ['x@example.com'] });
    expect(subjectsOf(stack)).toEqual([[user('x@example.com'), group('a'), group('b')]]);
  });

  test('default names: from the construct path, the id and the role; valid and distinct', () => {
    const stack = newStack();
    const p = rbacProvider(stack, { groupsClaim: 'groups' });
    p.addClusterRoleBinding('Viewers', { clusterRole: 'view', groups: ['a'] });
    p.addClusterRoleBinding('Editors_2', { clusterRole: 'edit', groups: ['a'] });
    p.addRoleBinding('Viewers2', { namespace: 'team-a', clusterRole: 'view', groups: ['a'] });
    const names = objectsOf(stack).map(o => o.metadata.name);
    expect(names[0]).toMatch(/^stack-provider-[0-9a-f]{8}-viewers-[0-9a-f]{8}$/);
    expect(names[1]).toMatch(/^stack-provider-[0-9a-f]{8}-editors-2-[0-9a-f]{8}$/);
    // The same role, the same role part; another role, another.
    const rolePart = (name: string) => name.slice(-8);
    expect(rolePart(names[2])).toBe(rolePart(names[0]));
    expect(rolePart(names[1])).not.toBe(rolePart(names[0]));
  });

  test('default names of long paths and ids stay within 253 characters and keep the role part', () => {
    const stack = newStack();
    const p = rbacProvider(stack, { groupsClaim: 'groups' });
    p.addClusterRoleBinding('X'.repeat(300), { clusterRole: 'view', groups: ['a'] });
    const [name] = objectsOf(stack).map(o => o.metadata.name);
    expect(name.length).toBeLessThanOrEqual(253);
    expect(name).toMatch(/^stack-provider-[0-9a-f]{8}-x+-[0-9a-f]{8}$/);
  });
});

describe('one manifest per binding, never pruned', () => {
  test('N bindings are N manifests served by the cluster\'s one kubectl provider, without prune label or overwrite', () => {
    const stack = newStack();
    const p = rbacProvider(stack, { groupsClaim: 'groups' });
    p.addClusterRoleBinding('First', { clusterRole: 'view', groups: ['a'] });
    // Other constructs created between bindings must not matter.
    provider(stack, { cluster: p.node.scope!.node.findChild('Cluster') as eksv2.Cluster, issuerUrl: 'https://other.example.com' }, 'Other');
    for (let i = 0; i < 10; i++) p.addRoleBinding(`Later${i}`, { namespace: `ns-${i}`, clusterRole: 'edit', groups: [`g${i}`] });
    const all = manifests(stack);
    expect(all).toHaveLength(11);
    expect(new Set(all.map(m => JSON.stringify(m.props.ServiceToken))).size).toBe(1);
    for (const { props, object } of all) {
      expect(props.PruneLabel).toBeUndefined();
      expect(props.Overwrite).toBeFalsy();
      expect(object.metadata.labels).toBeUndefined();
    }
  });

  test('each add returns its binding\'s construct, under the provider: depending on the provider waits for every binding', () => {
    const stack = newStack();
    const p = rbacProvider(stack, { groupsClaim: 'groups' });
    const viewers = p.addClusterRoleBinding('Viewers', { clusterRole: 'view', groups: ['a'] });
    const editors = p.addRoleBinding('Editors', { namespace: 'a', clusterRole: 'edit', groups: ['a'] });
    expect(viewers).toBeInstanceOf(eksv2.KubernetesManifest);
    expect(viewers.node.path).toMatch(/^Stack\/Provider\/RbacBindings\/Viewers-[0-9a-f]{8}$/);
    const waiter = new CfnWaitConditionHandle(stack, 'Waiter');
    waiter.node.addDependency(p);
    const one = new CfnWaitConditionHandle(stack, 'One');
    one.node.addDependency(editors);
    const resources = Template.fromStack(stack).toJSON().Resources;
    const [viewersId, editorsId] = manifests(stack).map(m => m.logicalId);
    const providerId = stack.getLogicalId(p.node.defaultChild as eks.CfnIdentityProviderConfig);
    expect(resources.Waiter.DependsOn.slice().sort()).toEqual([editorsId, providerId, viewersId].sort());
    expect(resources.One.DependsOn).toEqual([editorsId]);
  });

  test('the next provider of the cluster waits for this association only, not for its bindings', () => {
    const stack = newStack();
    const cluster = v2Cluster(stack);
    const first = provider(stack, { cluster }, 'First');
    first.addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['a'] });
    const second = provider(stack, { cluster, issuerUrl: 'https://b.example.com' }, 'Second');
    const resources = Template.fromStack(stack).toJSON().Resources;
    const l1 = (p: OidcIdentityProvider) => stack.getLogicalId(p.node.defaultChild as eks.CfnIdentityProviderConfig);
    expect(resources[l1(second)].DependsOn).toEqual([l1(first)]);
  });

  test('two providers: each with its own bindings', () => {
    const stack = newStack();
    const cluster = v2Cluster(stack);
    provider(stack, { cluster }, 'A').addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['a'] });
    provider(stack, { cluster, issuerUrl: 'https://b.example.com' }, 'B')
      .addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['b'] });
    expect(subjectsOf(stack)).toEqual([[user(`${ISSUER}#a`)], [user('https://b.example.com#b')]]);
  });
});

describe('what a change in code does to the binding\'s resource', () => {
  type Spec = { kind: 'cluster' | 'namespaced'; options: any };
  /** The logical id and Kubernetes object of the one binding `Readers`, as `spec` makes it. */
  function synth(spec: Spec) {
    const stack = newStack();
    const p = rbacProvider(stack, { groupsClaim: 'groups' });
    if (spec.kind === 'cluster') p.addClusterRoleBinding('Readers', spec.options);
    else p.addRoleBinding('Readers', spec.options);
    const [only] = manifests(stack);
    return only;
  }
  const base: Spec = { kind: 'namespaced', options: { namespace: 'team-a', clusterRole: 'view', groups: ['a'] } };
  const before = synth(base);

  test('subjects: the same resource, updated in place', () => {
    const after = synth({ ...base, options: { ...base.options, groups: ['a', 'b'], users: ['x'] } });
    expect(after.logicalId).toBe(before.logicalId);
    expect(after.object.metadata).toEqual(before.object.metadata);
  });

  test.each([
    ['the role', { ...base, options: { ...base.options, clusterRole: 'edit' } }],
    ['a Role instead of the ClusterRole of the same name', { ...base, options: { namespace: 'team-a', role: 'view', groups: ['a'] } }],
    ['the namespace', { ...base, options: { ...base.options, namespace: 'team-b' } }],
    ['an explicit name', { ...base, options: { ...base.options, name: 'readers' } }],
    ['a ClusterRoleBinding instead', { kind: 'cluster', options: { clusterRole: 'view', groups: ['a'] } }],
  ] as Array<[string, Spec]>)('%s: another resource (created, then the old one deleted)', (_, spec) => {
    expect(synth(spec).logicalId).not.toBe(before.logicalId);
  });

  test('a new role gets a new default name, so the new binding never collides with the old one', () => {
    expect(synth({ ...base, options: { ...base.options, clusterRole: 'edit' } }).object.metadata.name).not.toBe(before.object.metadata.name);
    expect(synth({ ...base, options: { ...base.options, namespace: 'team-b' } }).object.metadata.name).toBe(before.object.metadata.name);
  });

  test('the same code, the same logical id and name, synth after synth', () => {
    const again = synth(base);
    expect(again.logicalId).toBe(before.logicalId);
    expect(again.object).toEqual(before.object);
  });

  test('a deploy-time namespace or role is not judged, and does not change the logical id from one synth to the next', () => {
    const tokens = () => {
      const stack = newStack();
      Lazy.string({ produce: () => 'shifts token numbers' });
      const p = rbacProvider(stack, { groupsClaim: 'groups' });
      p.addRoleBinding('Readers', { namespace: Lazy.string({ produce: () => 'team-a' }), clusterRole: Lazy.string({ produce: () => 'view' }), groups: ['a'] });
      return manifests(stack)[0].logicalId;
    };
    const first = tokens();
    Lazy.string({ produce: () => 'another token' });
    expect(tokens()).toBe(first);
  });
});

describe('clusters', () => {
  test('an imported aws-eks cluster with a kubectl role uses aws-eks\'s KubernetesManifest', () => {
    const stack = newStack();
    const p = provider(stack, { cluster: v1Import(stack) });
    expect(p.addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['a'] })).toBeInstanceOf(eks.KubernetesManifest);
    expect(subjectsOf(stack)).toEqual([[user(`${ISSUER}#a`)]]);
  });

  test('an owned aws-eks cluster', () => {
    const stack = newStack();
    const cluster = new eks.Cluster(stack, 'Cluster', {
      version: eks.KubernetesVersion.V1_32, kubectlLayer: new KubectlV32Layer(stack, 'Kubectl'), defaultCapacity: 0,
    });
    const p = provider(stack, { cluster });
    expect(p.addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['a'] })).toBeInstanceOf(eks.KubernetesManifest);
    expect(subjectsOf(stack)).toEqual([[user(`${ISSUER}#a`)]]);
  });

  const noKubectl = (path: string) => `Invalid cluster "${path}": bindings are applied with kubectl, and this cluster gives no kubectl access `
    + '(it is a CfnCluster, an import without a kubectl role or provider, an aws-eks-v2 Cluster without kubectlProviderOptions, or unknown). '
    + 'Pass an aws-eks Cluster, an aws-eks-v2 Cluster with kubectlProviderOptions, or an import with kubectlRoleArn (aws-eks) or kubectlProvider (aws-eks-v2)';

  test.each([
    ['CfnCluster', (stack: Stack) => new eks.CfnCluster(stack, 'Cluster', {
      roleArn: 'arn:aws:iam::111111111111:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'] },
    })],
    ['aws-eks import without kubectl', (stack: Stack) => eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'prod' })],
    ['aws-eks-v2 import without kubectl', (stack: Stack) => eksv2.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'prod' })],
    ['aws-eks-v2 Cluster without kubectlProviderOptions', (stack: Stack) => new eksv2.Cluster(stack, 'Cluster', { version: eksv2.KubernetesVersion.V1_32 })],
  ])('%s: a clear error', (_, makeCluster) => {
    const stack = newStack();
    const p = provider(stack, { cluster: makeCluster(stack) });
    expect(() => p.addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['a'] })).toThrow(new Error(noKubectl('Stack/Cluster')));
  });
});

describe('imported providers', () => {
  const ARN = 'arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/okta/0ab1';

  test('with their settings, they bind like defined ones', () => {
    const stack = newStack();
    const imported: IOidcIdentityProvider = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'Okta', {
      clusterName: 'prod',
      identityProviderConfigName: 'okta',
      identityProviderConfigArn: ARN,
      cluster: v1Import(stack),
      issuerUrl: ISSUER,
      groupsClaim: 'groups',
      groupsPrefix: 'okta:',
    });
    imported.addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['a'], groups: ['eng'] });
    expect(subjectsOf(stack)).toEqual([[user(`${ISSUER}#a`), group('okta:eng')]]);
  });

  test('without an issuer URL, user names that need it cannot be spelled', () => {
    const stack = newStack();
    const imported = OidcIdentityProvider.fromIdentityProviderConfigArn(stack, 'Okta', ARN);
    expect(() => imported.usernameFor('a')).toThrow(new Error('Invalid issuerUrl undefined: the provider Stack/Okta was imported without it, '
      + 'and user names of the "sub" claim start with it. Pass issuerUrl, and the claims and prefixes the provider is configured with, '
      + 'to fromOidcIdentityProviderAttributes()'));
    const email = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'Email', {
      clusterName: 'prod', identityProviderConfigName: 'okta', identityProviderConfigArn: ARN, usernameClaim: 'email',
    });
    expect(email.usernameFor('a@example.com')).toBe('a@example.com');
  });

  test('without a cluster, no bindings', () => {
    const stack = newStack();
    const imported = OidcIdentityProvider.fromIdentityProviderConfigArn(stack, 'Okta', ARN);
    expect(() => imported.addClusterRoleBinding('Viewers', { clusterRole: 'view', groups: [], users: ['a'] }))
      .toThrow(/Invalid issuerUrl undefined/);
    const withPrefix = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'Prefixed', {
      clusterName: 'prod', identityProviderConfigName: 'okta', identityProviderConfigArn: ARN, usernamePrefix: 'oidc:',
    });
    expect(() => withPrefix.addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['a'] })).toThrow(/Invalid cluster undefined: bindings are applied with kubectl/);
  });
});

describe('bad input', () => {
  const error = (add: (p: OidcIdentityProvider) => void, props: Partial<OidcIdentityProviderProps> = {}) => {
    const p = rbacProvider(newStack(), { groupsClaim: 'groups', ...props });
    try {
      add(p);
    } catch (e) {
      return (e as Error).message;
    }
    return undefined;
  };

  test('a binding without subjects', () => {
    expect(error(p => p.addClusterRoleBinding('X', { clusterRole: 'view' }))).toBe('Invalid users undefined: a binding needs at least one subject, '
      + 'but has no users and no groups. Give users (values of the username claim), groups (values of the groups claim), or both');
    expect(error(p => p.addClusterRoleBinding('X', { clusterRole: 'view', users: [], groups: [] }))).toMatch(/^Invalid users \[\]: a binding needs at least one subject/);
    expect(error(p => p.addClusterRoleBinding('X', { clusterRole: 'view', users: ['a'] }))).toBeUndefined();
  });

  test('groups on a provider without groupsClaim: no token could match', () => {
    const stack = newStack();
    const p = rbacProvider(stack);
    expect(() => p.addClusterRoleBinding('X', { clusterRole: 'view', groups: ['eng'] })).toThrow(
      /^Invalid groupsClaim undefined: the provider Stack\/Provider has no groups claim, so tokens carry no groups and no group "eng" can ever match/);
  });

  test('a subject that becomes system:...', () => {
    expect(error(p => p.addClusterRoleBinding('X', { clusterRole: 'view', groups: ['system:masters'] }))).toBe('Invalid groups entry "system:masters": '
      + 'it becomes the Group "system:masters", and names starting with "system:" are reserved for Kubernetes itself. '
      + 'Bind a value that the identity provider issues, or set a groupsPrefix such as "oidc:"');
    expect(error(p => p.addClusterRoleBinding('X', { clusterRole: 'view', users: ['system:admin'] }), { usernamePrefix: '-' })).toBe('Invalid users entry "system:admin": '
      + 'it becomes the User "system:admin", and names starting with "system:" are reserved for Kubernetes itself. '
      + 'Bind a value that the identity provider issues, or set a usernamePrefix such as "oidc:"');
    expect(error(p => p.addClusterRoleBinding('X', { clusterRole: 'view', groups: ['system:masters'] }), { groupsPrefix: 'oidc:' })).toBeUndefined();
  });

  test('binding names are DNS-1123 subdomains', () => {
    const message = (name: string) => `Invalid name ${JSON.stringify(name)}: it must be a DNS-1123 subdomain: at most 253 characters of lowercase letters, `
      + 'digits, "-" and ".", starting and ending with a letter or digit. Use a name like "platform-viewers"';
    for (const name of ['Viewers', 'viewers-', 'a_b', '', 'a'.repeat(254)]) {
      expect(error(p => p.addClusterRoleBinding('X', { clusterRole: 'view', users: ['a'], name }))).toBe(message(name));
    }
    for (const name of ['viewers', 'a.b-c', 'a'.repeat(253), Lazy.string({ produce: () => 'NOT_CHECKED' })]) {
      expect(error(p => p.addClusterRoleBinding('X', { clusterRole: 'view', users: ['a'], name }))).toBeUndefined();
    }
  });

  test('namespaces are DNS-1123 labels', () => {
    const message = (namespace: string) => `Invalid namespace ${JSON.stringify(namespace)}: it must be a DNS-1123 label: at most 63 characters `
      + 'of lowercase letters, digits and "-", starting and ending with a letter or digit. Use a namespace name like "team-a"';
    for (const namespace of ['Team', 'a.b', '', 'a'.repeat(64)]) {
      expect(error(p => p.addRoleBinding('X', { namespace, clusterRole: 'view', users: ['a'] }))).toBe(message(namespace));
    }
    for (const namespace of ['team-a', 'a'.repeat(63), Lazy.string({ produce: () => 'NOT_CHECKED' })]) {
      expect(error(p => p.addRoleBinding('X', { namespace, clusterRole: 'view', users: ['a'] }))).toBeUndefined();
    }
  });

  test('role names follow Kubernetes\' rule for RBAC names', () => {
    for (const clusterRole of ['', '.', '..', 'a/b', 'a%b']) {
      expect(error(p => p.addClusterRoleBinding('X', { clusterRole, users: ['a'] }))).toBe(`Invalid clusterRole ${JSON.stringify(clusterRole)}: `
        + 'a Kubernetes role name must not be empty, ".", "..", or contain "/" or "%". Use the name of the role as `kubectl get clusterroles` (or `roles`) shows it');
    }
    expect(error(p => p.addRoleBinding('X', { namespace: 'a', role: 'a/b', users: ['a'] }))).toMatch(/^Invalid role "a\/b"/);
    for (const clusterRole of ['view', 'system:aggregate-to-edit', 'Custom.Role']) {
      expect(error(p => p.addClusterRoleBinding('X', { clusterRole, users: ['a'] }))).toBeUndefined();
    }
  });

  test('a RoleBinding grants exactly one of role and clusterRole', () => {
    const fix = 'Give either clusterRole (a ClusterRole granted in the namespace) or role (a Role of the namespace)';
    expect(error(p => p.addRoleBinding('X', { namespace: 'a', users: ['a'] })))
      .toBe(`Invalid role undefined: a RoleBinding grants exactly one role, but clusterRole is undefined. ${fix}`);
    expect(error(p => p.addRoleBinding('X', { namespace: 'a', users: ['a'], role: 'r', clusterRole: 'view' })))
      .toBe(`Invalid role "r": a RoleBinding grants exactly one role, but clusterRole is "view". ${fix}`);
  });

  test('duplicate ids within a provider', () => {
    expect(error(p => {
      p.addClusterRoleBinding('X', { clusterRole: 'view', users: ['a'] });
      p.addClusterRoleBinding('X', { clusterRole: 'edit', users: ['a'], name: 'other' });
    })).toBe('Invalid id "X": the provider Stack/Provider already has a binding with this id. Give each binding its own id');
  });

  test('one (kind, namespace, name) per cluster, across all its providers', () => {
    const duplicate = (first: string, second: string, what: string) => `Invalid name "same": ${first} and ${second} would both be the ${what} `
      + 'on cluster Stack/Cluster. Give each binding its own name, or leave name out to get one derived from the provider and the id';
    expect(error(p => {
      p.addRoleBinding('X', { namespace: 'a', clusterRole: 'view', users: ['a'], name: 'same' });
      p.addRoleBinding('Y', { namespace: 'a', clusterRole: 'edit', users: ['a'], name: 'same' });
    })).toBe(duplicate('Stack/Provider binding "X"', 'Stack/Provider binding "Y"', 'RoleBinding of this name in namespace a'));
    // Another provider of the same cluster, defined or imported.
    const stack = newStack();
    const cluster = v2Cluster(stack);
    provider(stack, { cluster }, 'A').addClusterRoleBinding('X', { clusterRole: 'view', users: ['a'], name: 'same' });
    expect(() => provider(stack, { cluster, issuerUrl: 'https://b.example.com' }, 'B').addClusterRoleBinding('Y', { clusterRole: 'edit', users: ['b'], name: 'same' }))
      .toThrow(new Error(duplicate('Stack/A binding "X"', 'Stack/B binding "Y"', 'ClusterRoleBinding of this name')));
    const imported = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'Imported', {
      clusterName: 'prod',
      identityProviderConfigName: 'c',
      identityProviderConfigArn: 'arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/c/1',
      cluster,
      usernamePrefix: 'c:',
    });
    expect(() => imported.addClusterRoleBinding('Z', { clusterRole: 'edit', users: ['c'], name: 'same' }))
      .toThrow(new Error(duplicate('Stack/A binding "X"', 'Stack/Imported binding "Z"', 'ClusterRoleBinding of this name')));
    // The same name is fine for another kind, another namespace or another cluster.
    expect(error(p => {
      p.addRoleBinding('X', { namespace: 'a', clusterRole: 'view', users: ['a'], name: 'same' });
      p.addRoleBinding('Y', { namespace: 'b', clusterRole: 'view', users: ['a'], name: 'same' });
      p.addClusterRoleBinding('Z', { clusterRole: 'view', users: ['a'], name: 'same' });
    })).toBeUndefined();
    const otherCluster = eks.Cluster.fromClusterAttributes(stack, 'OtherCluster', { clusterName: 'other', kubectlRoleArn: 'arn:aws:iam::111111111111:role/kubectl' });
    const other = provider(stack, { cluster: otherCluster, issuerUrl: 'https://b.example.com' }, 'Other');
    expect(() => other.addClusterRoleBinding('X', { clusterRole: 'view', users: ['a'], name: 'same' })).not.toThrow();
  });

  test.each([
    ['ClusterRoleBinding', undefined, 'cluster-admin', 'Kubernetes'],
    ['ClusterRoleBinding', undefined, 'aws-node', 'the Amazon VPC CNI'],
    ['ClusterRoleBinding', undefined, 'vpc-resource-controller-rolebinding', 'EKS\'s VPC resource controller'],
    ['RoleBinding', 'kube-system', 'eks-vpc-resource-controller-rolebinding', 'EKS\'s VPC resource controller'],
  ])('a %s that EKS or Kubernetes makes (%s/%s) cannot be taken over', (kind, namespace, name, owner) => {
    const add = (p: OidcIdentityProvider, ns = namespace) => (kind === 'RoleBinding'
      ? p.addRoleBinding('X', { namespace: ns!, clusterRole: 'view', users: ['a'], name })
      : p.addClusterRoleBinding('X', { clusterRole: 'view', users: ['a'], name }));
    expect(error(add)).toBe(`Invalid name "${name}": ${owner} already has a ${kind} of this name${namespace ? ` in namespace ${namespace}` : ''} `
      + 'in every EKS cluster, and deploying this binding would fail or take it over. '
      + 'Give the binding a name of your own, or leave name out to get one derived from the id');
    // The same name elsewhere is no built-in.
    const elsewhere = kind === 'RoleBinding'
      ? (p: OidcIdentityProvider) => add(p, 'team-a')
      : (p: OidcIdentityProvider) => p.addRoleBinding('X', { namespace: 'team-a', clusterRole: 'view', users: ['a'], name });
    expect(error(elsewhere)).toBeUndefined();
  });

  test('binding cluster-admin is an acknowledgeable warning', () => {
    const stack = newStack();
    const p = rbacProvider(stack);
    p.addClusterRoleBinding('Admins', { clusterRole: 'cluster-admin', users: ['a'], name: 'admins' });
    Annotations.fromStack(stack).hasWarning('/Stack/Provider', 'Invalid clusterRole "cluster-admin": binding "admins" makes its subjects superusers '
      + 'of the whole cluster. Prefer admin, edit or view, or a ClusterRole of your own; acknowledge this warning if it is intended '
      + '[ack: cdk-eks-oidc:clusterAdminBinding]');
    CoreAnnotations.of(p).acknowledgeWarning('cdk-eks-oidc:clusterAdminBinding', 'break-glass group');
    Annotations.fromStack(stack).hasNoWarning('/Stack/Provider', Match.anyValue());
    const admin = newStack();
    rbacProvider(admin).addClusterRoleBinding('Admins', { clusterRole: 'admin', users: ['a'] });
    Annotations.fromStack(admin).hasNoWarning('/Stack/Provider', Match.anyValue());
  });
});

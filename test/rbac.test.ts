import { KubectlV32Layer } from '@aws-cdk/lambda-layer-kubectl-v32';
import { App, Annotations as CoreAnnotations, CfnResource, CfnWaitConditionHandle, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import {
  ClusterRoleBinding, ClusterRoleBindingOptions, IOidcIdentityProvider, OidcIdentityProvider, OidcIdentityProviderProps, OidcIssuer,
  RoleBinding, RoleBindingOptions, RoleRef,
} from '../src';
import { errorOf, ISSUER, newStack, provider } from './util';

const MANIFEST = 'Custom::AWSCDK-EKS-KubernetesResource';
const RBAC = 'rbac.authorization.k8s.io';
const ARN = 'arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/okta/0ab1';

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

const issuer = (url: string) => OidcIssuer.fromUrl(url);

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
/** The Kubernetes object a binding's own manifest applies. */
function objectOf(binding: ClusterRoleBinding | RoleBinding) {
  const stack = Stack.of(binding);
  const resource = binding.manifest.node.findAll().find(c => CfnResource.isCfnResource(c) && c.cfnResourceType === MANIFEST) as CfnResource;
  return manifests(stack).find(m => m.logicalId === stack.getLogicalId(resource))?.object;
}

/** The ClusterRoleBinding of group engineering to view, and the RoleBinding of one user to deployer, that two tests expect. */
const viewersObject = (name: string) => ({
  apiVersion: `${RBAC}/v1`,
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'view' },
  subjects: [group('oidc:engineering')],
});
const DEPLOYERS_OBJECT = {
  apiVersion: `${RBAC}/v1`,
  kind: 'RoleBinding',
  metadata: { name: 'deployers', namespace: 'team-a' },
  roleRef: { apiGroup: RBAC, kind: 'Role', name: 'deployer' },
  subjects: [user(`${ISSUER}#0a1b2c`)],
};

describe('binding objects', () => {
  test('a ClusterRoleBinding and RoleBindings, each in a manifest of its own', () => {
    const stack = newStack();
    const p = rbacProvider(stack, { groupsClaim: 'groups', groupsPrefix: 'oidc:' });
    p.addClusterRoleBinding('Viewers', { clusterRole: 'view', groups: ['engineering'], name: 'engineering-view' });
    p.addRoleBinding('Deployers', { namespace: 'team-a', role: RoleRef.role('deployer'), users: ['0a1b2c'], name: 'deployers' });
    p.addRoleBinding('Editors', { namespace: 'team-a', role: RoleRef.clusterRole('edit'), groups: ['team-a'], name: 'team-a-edit' });
    expect(objectsOf(stack)).toEqual([
      viewersObject('engineering-view'),
      DEPLOYERS_OBJECT,
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
    ['the issuer\'s claim: email', { issuer: OidcIssuer.fromUrl(ISSUER, { usernameClaim: 'email' }) }, user('alice@example.com'), 'alice@example.com'],
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

  test('default names: from the binding\'s construct path and the role; valid and distinct', () => {
    const stack = newStack();
    const p = rbacProvider(stack, { groupsClaim: 'groups' });
    p.addClusterRoleBinding('Viewers', { clusterRole: 'view', groups: ['a'] });
    p.addClusterRoleBinding('Editors_2', { clusterRole: 'edit', groups: ['a'] });
    p.addRoleBinding('Viewers2', { namespace: 'team-a', role: RoleRef.clusterRole('view'), groups: ['a'] });
    p.addRoleBinding('Viewers3', { namespace: 'team-a', role: RoleRef.role('view'), groups: ['a'] });
    const names = objectsOf(stack).map(o => o.metadata.name);
    expect(names[0]).toMatch(/^stack-provider-rbacbindings-viewers-[0-9a-f]{8}-[0-9a-f]{8}$/);
    expect(names[1]).toMatch(/^stack-provider-rbacbindings-editors2-[0-9a-f]{8}-[0-9a-f]{8}$/);
    // The same role, the same role part; another role (or a Role of the same name), another.
    const rolePart = (name: string) => name.slice(-8);
    expect(rolePart(names[2])).toBe(rolePart(names[0]));
    expect(rolePart(names[1])).not.toBe(rolePart(names[0]));
    expect(rolePart(names[3])).not.toBe(rolePart(names[0]));
  });

  test('default names of ids that differ only in case or punctuation are distinct', () => {
    const stack = newStack();
    const p = rbacProvider(stack, { groupsClaim: 'groups' });
    const names = ['Foo', 'foo', 'a.b', 'a_b', 'a-b'].map(id => p.addClusterRoleBinding(id, { clusterRole: 'view', groups: ['a'] }).bindingName);
    expect(new Set(names).size).toBe(names.length);
    expect(names.slice(0, 2).every(n => /^stack-provider-rbacbindings-foo-[0-9a-f]{8}-[0-9a-f]{8}$/.test(n))).toBe(true);
    expect(objectsOf(stack).map(o => o.metadata.name)).toEqual(names);
  });

  test('default names of long paths and ids stay within 253 characters and keep the role part', () => {
    const stack = newStack();
    const p = rbacProvider(stack, { groupsClaim: 'groups' });
    const binding = p.addClusterRoleBinding('X'.repeat(300), { clusterRole: 'view', groups: ['a'] });
    const [name] = objectsOf(stack).map(o => o.metadata.name);
    expect(name.length).toBeLessThanOrEqual(253);
    expect(name).toMatch(/^stack-provider-rbacbindings-x+-[0-9a-f]{8}-[0-9a-f]{8}$/);
    expect(name.slice(-8)).toBe(p.addClusterRoleBinding('Short', { clusterRole: 'view', groups: ['a'] }).bindingName.slice(-8));
    expect(binding.bindingName).toBe(name);
  });
});

describe('the binding constructs', () => {
  test('addClusterRoleBinding returns a ClusterRoleBinding at <provider>/RbacBindings/<id>: its name, kind, role and manifest', () => {
    const stack = newStack();
    const p = rbacProvider(stack, { groupsClaim: 'groups' });
    const binding = p.addClusterRoleBinding('Viewers', { clusterRole: 'view', groups: ['a'] });
    expect(binding).toBeInstanceOf(ClusterRoleBinding);
    expect(binding.node.path).toBe('Stack/Provider/RbacBindings/Viewers');
    expect(binding.kind).toBe('ClusterRoleBinding');
    expect(binding.clusterRole).toBe('view');
    expect(binding.manifest).toBeInstanceOf(eksv2.KubernetesManifest);
    expect(binding.manifest.node.path).toMatch(/^Stack\/Provider\/RbacBindings\/Viewers\/Manifest-[0-9a-f]{8}$/);
    expect(objectOf(binding)).toMatchObject({ kind: 'ClusterRoleBinding', metadata: { name: binding.bindingName } });
  });

  test('addRoleBinding returns a RoleBinding: its name, kind, namespace, role and manifest', () => {
    const stack = newStack();
    const p = rbacProvider(stack, { groupsClaim: 'groups' });
    const binding = p.addRoleBinding('Deployers', { namespace: 'team-a', role: RoleRef.role('deployer'), groups: ['a'] });
    expect(binding).toBeInstanceOf(RoleBinding);
    expect(binding.node.path).toBe('Stack/Provider/RbacBindings/Deployers');
    expect([binding.kind, binding.namespace, binding.role.kind, binding.role.name]).toEqual(['RoleBinding', 'team-a', 'Role', 'deployer']);
    expect(binding.manifest.node.path).toMatch(/^Stack\/Provider\/RbacBindings\/Deployers\/Manifest-[0-9a-f]{8}$/);
    expect(objectOf(binding)).toMatchObject({ kind: 'RoleBinding', metadata: { name: binding.bindingName, namespace: 'team-a' } });
    const clusterRole = RoleRef.clusterRole('edit');
    expect([clusterRole.kind, clusterRole.name]).toEqual(['ClusterRole', 'edit']);
  });

  test('bindingName is the manifest\'s metadata.name, generated or given', () => {
    const stack = newStack();
    const p = rbacProvider(stack, { groupsClaim: 'groups' });
    const bindings = [
      p.addClusterRoleBinding('Generated', { clusterRole: 'view', groups: ['a'] }),
      p.addClusterRoleBinding('Given', { clusterRole: 'view', groups: ['a'], name: 'given-view' }),
      p.addRoleBinding('GeneratedRb', { namespace: 'a', role: RoleRef.clusterRole('edit'), groups: ['a'] }),
      p.addRoleBinding('GivenRb', { namespace: 'a', role: RoleRef.role('deployer'), groups: ['a'], name: 'given-deployer' }),
    ];
    expect(bindings.map(b => b.bindingName)).toEqual([
      expect.stringMatching(/^stack-provider-rbacbindings-generated-/), 'given-view',
      expect.stringMatching(/^stack-provider-rbacbindings-generatedrb-/), 'given-deployer',
    ]);
    expect(bindings.map(b => objectOf(b).metadata.name)).toEqual(bindings.map(b => b.bindingName));
  });

  test('a ClusterRoleBinding and a RoleBinding created with new, outside the provider', () => {
    const stack = newStack();
    const p = rbacProvider(stack, { groupsClaim: 'groups', groupsPrefix: 'oidc:' });
    const team = new Construct(stack, 'TeamA');
    const viewers = new ClusterRoleBinding(team, 'Viewers', { provider: p, clusterRole: 'view', groups: ['engineering'] });
    const deployers = new RoleBinding(team, 'Deployers', { provider: p, namespace: 'team-a', role: RoleRef.role('deployer'), users: ['0a1b2c'], name: 'deployers' });
    expect(viewers.node.path).toBe('Stack/TeamA/Viewers');
    expect(viewers.manifest.node.path).toMatch(/^Stack\/TeamA\/Viewers\/Manifest-[0-9a-f]{8}$/);
    expect(viewers.bindingName).toMatch(/^stack-teama-viewers-[0-9a-f]{8}-[0-9a-f]{8}$/);
    expect(deployers.manifest.node.path).toMatch(/^Stack\/TeamA\/Deployers\/Manifest-[0-9a-f]{8}$/);
    expect(p.node.tryFindChild('RbacBindings')).toBeUndefined();
    expect(objectsOf(stack)).toEqual([
      viewersObject(viewers.bindingName),
      DEPLOYERS_OBJECT,
    ]);
    // They share the provider's rules: one name per (kind, namespace) on the cluster.
    expect(errorOf(() => p.addRoleBinding('Deployers', { namespace: 'team-a', role: RoleRef.clusterRole('edit'), users: ['a'], name: 'deployers' })))
      .toBe('Invalid name "deployers": Stack/TeamA/Deployers and Stack/Provider/RbacBindings/Deployers would both be the RoleBinding of this name '
        + 'in namespace team-a on cluster Stack/Cluster. Give each binding its own name, or leave name out to get one derived from the binding\'s construct path');
  });
});

describe('one manifest per binding, never pruned', () => {
  test('N bindings are N manifests served by the cluster\'s one kubectl provider, without prune label or overwrite', () => {
    const stack = newStack();
    const p = rbacProvider(stack, { groupsClaim: 'groups' });
    p.addClusterRoleBinding('First', { clusterRole: 'view', groups: ['a'] });
    // Other constructs created between bindings must not matter.
    provider(stack, { cluster: p.node.scope!.node.findChild('Cluster') as eksv2.Cluster, issuer: issuer('https://other.example.com') }, 'Other');
    for (let i = 0; i < 10; i++) p.addRoleBinding(`Later${i}`, { namespace: `ns-${i}`, role: RoleRef.clusterRole('edit'), groups: [`g${i}`] });
    const all = manifests(stack);
    expect(all).toHaveLength(11);
    expect(new Set(all.map(m => JSON.stringify(m.props.ServiceToken))).size).toBe(1);
    for (const { props, object } of all) {
      expect(props.PruneLabel).toBeUndefined();
      expect(props.Overwrite).toBeFalsy();
      expect(object.metadata.labels).toBeUndefined();
    }
  });

  test('depending on the provider waits for every binding; on a binding, for its manifest', () => {
    const stack = newStack();
    const p = rbacProvider(stack, { groupsClaim: 'groups' });
    p.addClusterRoleBinding('Viewers', { clusterRole: 'view', groups: ['a'] });
    const editors = p.addRoleBinding('Editors', { namespace: 'a', role: RoleRef.clusterRole('edit'), groups: ['a'] });
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
    const second = provider(stack, { cluster, issuer: issuer('https://b.example.com') }, 'Second');
    const resources = Template.fromStack(stack).toJSON().Resources;
    const l1 = (p: OidcIdentityProvider) => stack.getLogicalId(p.node.defaultChild as eks.CfnIdentityProviderConfig);
    expect(resources[l1(second)].DependsOn).toEqual([l1(first)]);
  });

  test('two providers: each with its own bindings', () => {
    const stack = newStack();
    const cluster = v2Cluster(stack);
    provider(stack, { cluster }, 'A').addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['a'] });
    provider(stack, { cluster, issuer: issuer('https://b.example.com') }, 'B')
      .addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['b'] });
    expect(subjectsOf(stack)).toEqual([[user(`${ISSUER}#a`)], [user('https://b.example.com#b')]]);
  });
});

describe('what a change in code does to the binding\'s resource', () => {
  type Spec = { kind: 'cluster'; options: ClusterRoleBindingOptions } | { kind: 'namespaced'; options: RoleBindingOptions };
  /** The logical id and Kubernetes object of the one binding `Readers`, as `spec` makes it. */
  function synth(spec: Spec) {
    const stack = newStack();
    const p = rbacProvider(stack, { groupsClaim: 'groups' });
    if (spec.kind === 'cluster') p.addClusterRoleBinding('Readers', spec.options);
    else p.addRoleBinding('Readers', spec.options);
    const [only] = manifests(stack);
    return only;
  }
  const baseOptions: RoleBindingOptions = { namespace: 'team-a', role: RoleRef.clusterRole('view'), groups: ['a'] };
  const base: Spec = { kind: 'namespaced', options: baseOptions };
  const before = synth(base);

  test('subjects: the same resource, updated in place', () => {
    const after = synth({ kind: 'namespaced', options: { ...baseOptions, groups: ['a', 'b'], users: ['x'] } });
    expect(after.logicalId).toBe(before.logicalId);
    expect(after.object.metadata).toEqual(before.object.metadata);
  });

  test.each<[string, Spec]>([
    ['the role', { kind: 'namespaced', options: { ...baseOptions, role: RoleRef.clusterRole('edit') } }],
    ['a Role instead of the ClusterRole of the same name', { kind: 'namespaced', options: { ...baseOptions, role: RoleRef.role('view') } }],
    ['the namespace', { kind: 'namespaced', options: { ...baseOptions, namespace: 'team-b' } }],
    ['an explicit name', { kind: 'namespaced', options: { ...baseOptions, name: 'readers' } }],
    ['a ClusterRoleBinding instead', { kind: 'cluster', options: { clusterRole: 'view', groups: ['a'] } }],
  ])('%s: another resource (created, then the old one deleted)', (_, spec) => {
    expect(synth(spec).logicalId).not.toBe(before.logicalId);
  });

  test('a new role gets a new default name, so the new binding never collides with the old one', () => {
    expect(synth({ kind: 'namespaced', options: { ...baseOptions, role: RoleRef.clusterRole('edit') } }).object.metadata.name).not.toBe(before.object.metadata.name);
    expect(synth({ kind: 'namespaced', options: { ...baseOptions, role: RoleRef.role('view') } }).object.metadata.name).not.toBe(before.object.metadata.name);
    expect(synth({ kind: 'namespaced', options: { ...baseOptions, namespace: 'team-b' } }).object.metadata.name).toBe(before.object.metadata.name);
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
      p.addRoleBinding('Readers', {
        namespace: Lazy.string({ produce: () => 'team-a' }), role: RoleRef.clusterRole(Lazy.string({ produce: () => 'view' })), groups: ['a'],
      });
      return manifests(stack)[0].logicalId;
    };
    const first = tokens();
    expect(tokens()).toBe(first);
  });
});

describe('clusters', () => {
  test('an imported aws-eks cluster with a kubectl role', () => {
    const stack = newStack();
    const p = provider(stack, { cluster: v1Import(stack) });
    expect(p.addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['a'] }).manifest).toBeInstanceOf(eks.KubernetesManifest);
    expect(subjectsOf(stack)).toEqual([[user(`${ISSUER}#a`)]]);
  });

  test('an owned aws-eks cluster', () => {
    const stack = newStack();
    const cluster = new eks.Cluster(stack, 'Cluster', {
      version: eks.KubernetesVersion.V1_32, kubectlLayer: new KubectlV32Layer(stack, 'Kubectl'), defaultCapacity: 0,
    });
    const p = provider(stack, { cluster });
    expect(p.addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['a'] }).manifest).toBeInstanceOf(eks.KubernetesManifest);
    expect(subjectsOf(stack)).toEqual([[user(`${ISSUER}#a`)]]);
  });

  const noKubectl = (path: string) => `Invalid cluster ${path}: bindings are applied with kubectl, and the provider's cluster gives no kubectl access `
    + '(it is a CfnCluster, an import without a kubectl role or provider, an aws-eks-v2 Cluster without kubectlProviderOptions, or unknown). '
    + 'Pass an aws-eks Cluster, an aws-eks-v2 Cluster with kubectlProviderOptions, or an import with kubectlRoleArn (aws-eks) or kubectlProvider (aws-eks-v2)';

  test.each([
    ['CfnCluster', (stack: Stack) => new eks.CfnCluster(stack, 'Cluster', {
      roleArn: 'arn:aws:iam::111111111111:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'] },
    })],
    ['aws-eks import without kubectl', (stack: Stack) => eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'prod' })],
    ['aws-eks-v2 import without kubectl', (stack: Stack) => eksv2.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'prod' })],
    ['aws-eks-v2 Cluster without kubectlProviderOptions', (stack: Stack) => new eksv2.Cluster(stack, 'Cluster', { version: eksv2.KubernetesVersion.V1_32 })],
  ])('%s: a clear error, at the binding', (_, makeCluster) => {
    const stack = newStack();
    const p = provider(stack, { cluster: makeCluster(stack) });
    expect(() => p.addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['a'] }))
      .toThrow(new Error(`${noKubectl('"Stack/Cluster"')} [cdk-eks-oidc:noKubectlAccess]\n  at Stack/Provider/RbacBindings/Viewers`));
  });

  test('an imported provider with settings but no cluster: no bindings', () => {
    const stack = newStack();
    const imported = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'Okta', {
      clusterName: 'prod',
      identityProviderConfigName: 'okta',
      identityProviderConfigArn: ARN,
      settings: { issuer: issuer(ISSUER), clientId: 'kubernetes', usernamePrefix: 'oidc:' },
    });
    expect(errorOf(() => imported.addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['a'] }))).toBe(noKubectl('(missing)'));
  });
});

describe('imported providers', () => {
  test('with their settings, they bind like defined ones', () => {
    const stack = newStack();
    const imported: IOidcIdentityProvider = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'Okta', {
      clusterName: 'prod',
      identityProviderConfigName: 'okta',
      identityProviderConfigArn: ARN,
      cluster: v1Import(stack),
      settings: { issuer: issuer(ISSUER), clientId: 'kubernetes', groupsClaim: 'groups', groupsPrefix: 'okta:' },
    });
    const binding = imported.addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['a'], groups: ['eng'] });
    expect(binding.node.path).toBe('Stack/Okta/RbacBindings/Viewers');
    expect(subjectsOf(stack)).toEqual([[user(`${ISSUER}#a`), group('okta:eng')]]);
  });

  test('with settings naming the email claim, user names are the addresses', () => {
    const stack = newStack();
    const email = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'Email', {
      clusterName: 'prod',
      identityProviderConfigName: 'okta',
      identityProviderConfigArn: ARN,
      settings: { issuer: OidcIssuer.okta({ domain: 'example.okta.com' }), clientId: 'kubernetes' },
    });
    expect(email.usernameFor('a@example.com')).toBe('a@example.com');
    expect(email.groupFor('eng')).toBe('eng');
  });

  test('imported by name alone, they cannot spell names, and so cannot bind', () => {
    const stack = newStack();
    const imported = OidcIdentityProvider.fromIdentityProviderConfigArn(stack, 'Okta', ARN);
    const error = (to: string) => new Error(`The provider was imported by name alone, so it cannot ${to}. Import it with fromOidcIdentityProviderAttributes() `
      + 'and settings: the issuer, clientId, claims and prefixes it was defined with [cdk-eks-oidc:importWithoutSettings]\n  at Stack/Okta');
    expect(() => imported.usernameFor('a')).toThrow(error('spell user names'));
    expect(() => imported.groupFor('a')).toThrow(error('spell group names'));
    expect(() => imported.addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['a'] })).toThrow(error('spell user names'));
    expect(() => imported.addRoleBinding('Editors', { namespace: 'a', role: RoleRef.clusterRole('edit'), groups: ['a'] })).toThrow(error('spell group names'));
    const withCluster = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'WithCluster', {
      clusterName: 'prod', identityProviderConfigName: 'okta', identityProviderConfigArn: ARN, cluster: v1Import(stack),
    });
    expect(errorOf(() => withCluster.addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['a'] })))
      .toMatch(/^The provider was imported by name alone, so it cannot spell user names/);
  });
});

describe('bad input', () => {
  const error = (add: (p: OidcIdentityProvider) => void, props: Partial<OidcIdentityProviderProps> = {}) => {
    const p = rbacProvider(newStack(), { groupsClaim: 'groups', ...props });
    return errorOf(() => add(p));
  };
  const view = RoleRef.clusterRole('view');

  test('a binding without subjects', () => {
    expect(error(p => p.addClusterRoleBinding('X', { clusterRole: 'view' }))).toBe('Invalid users (missing): a binding needs at least one subject, '
      + 'but has no users and no groups. Give users (values of the username claim), groups (values of the groups claim), or both');
    expect(error(p => p.addClusterRoleBinding('X', { clusterRole: 'view', users: [], groups: [] }))).toMatch(/^Invalid users \[\]: a binding needs at least one subject/);
    expect(error(p => p.addRoleBinding('X', { namespace: 'a', role: view }))).toMatch(/^Invalid users \(missing\): a binding needs at least one subject/);
    expect(error(p => p.addClusterRoleBinding('X', { clusterRole: 'view', users: ['a'] }))).toBeUndefined();
    expect(error(p => p.addClusterRoleBinding('X', { clusterRole: 'view', groups: ['a'] }))).toBeUndefined();
  });

  test('empty users and groups entries: no token carries them', () => {
    expect(error(p => p.addClusterRoleBinding('X', { clusterRole: 'view', users: ['a', ''], groups: [''] }), { usernamePrefix: 'oidc:' })).toBe(
      'Invalid users entry "": it would be the User "oidc:", and no token carries an empty username. Give the value as the identity provider issues it\n'
      + 'Invalid groups entry "": it would be the Group "", and no token carries an empty group. Give the value as the identity provider issues it');
    expect(error(p => p.addRoleBinding('X', { namespace: 'a', role: view, groups: [''] }))).toMatch(/^Invalid groups entry "": /);
    expect(error(p => p.addClusterRoleBinding('X', { clusterRole: 'view', users: [' '], groups: ['-'] }))).toBeUndefined();
  });

  test('groups on a provider without groupsClaim: no token could match', () => {
    const stack = newStack();
    const p = rbacProvider(stack);
    expect(() => p.addClusterRoleBinding('X', { clusterRole: 'view', groups: ['eng'] })).toThrow(new Error('Invalid groupsClaim (missing): '
      + 'the provider has no groups claim, so tokens carry no groups and no group "eng" can ever match. '
      + 'Set groupsClaim (e.g. "groups") to the claim in which your identity provider lists the user\'s groups [cdk-eks-oidc:invalidGroupsClaim]\n  at Stack/Provider'));
    expect(errorOf(() => p.addClusterRoleBinding('Y', { clusterRole: 'view', users: ['eng'] }))).toBeUndefined();
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
      expect(error(p => p.addRoleBinding('X', { namespace: 'a', role: view, users: ['a'], name }))).toBe(message(name));
    }
    for (const name of ['viewers', 'a.b-c', 'a'.repeat(253), Lazy.string({ produce: () => 'NOT_CHECKED' })]) {
      expect(error(p => p.addClusterRoleBinding('X', { clusterRole: 'view', users: ['a'], name }))).toBeUndefined();
    }
  });

  test('namespaces are DNS-1123 labels', () => {
    const message = (namespace: string) => `Invalid namespace ${JSON.stringify(namespace)}: it must be a DNS-1123 label: at most 63 characters `
      + 'of lowercase letters, digits and "-", starting and ending with a letter or digit. Use a namespace name like "team-a"';
    for (const namespace of ['Team', 'a.b', '', 'a'.repeat(64)]) {
      expect(error(p => p.addRoleBinding('X', { namespace, role: view, users: ['a'] }))).toBe(message(namespace));
    }
    for (const namespace of ['team-a', 'a'.repeat(63), Lazy.string({ produce: () => 'NOT_CHECKED' })]) {
      expect(error(p => p.addRoleBinding('X', { namespace, role: view, users: ['a'] }))).toBeUndefined();
    }
  });

  test('role names follow Kubernetes\' rule for RBAC names, in a binding and in a RoleRef', () => {
    const message = (property: string, name: string) => `Invalid ${property} ${JSON.stringify(name)}: `
      + 'a Kubernetes role name must not be empty, ".", "..", or contain "/" or "%". Use the name of the role as `kubectl get clusterroles` (or `roles`) shows it';
    for (const name of ['', '.', '..', 'a/b', 'a%b']) {
      expect(error(p => p.addClusterRoleBinding('X', { clusterRole: name, users: ['a'] }))).toBe(message('clusterRole', name));
      // A RoleRef is checked when it is made, without a construct to name.
      expect(() => RoleRef.clusterRole(name)).toThrow(new Error(`${message('clusterRole', name)} [cdk-eks-oidc:invalidClusterRole]`));
      expect(() => RoleRef.role(name)).toThrow(new Error(`${message('role', name)} [cdk-eks-oidc:invalidRole]`));
    }
    for (const name of ['view', 'system:aggregate-to-edit', 'Custom.Role', Lazy.string({ produce: () => 'a/b' })]) {
      expect(error(p => p.addClusterRoleBinding('X', { clusterRole: name, users: ['a'] }))).toBeUndefined();
      expect(error(p => p.addRoleBinding('X', { namespace: 'a', role: RoleRef.role(name), users: ['a'] }))).toBeUndefined();
    }
  });

  test('a RoleBinding\'s role is a RoleRef', () => {
    const fix = 'expected a RoleRef. Pass RoleRef.clusterRole(name) or RoleRef.role(name) [cdk-eks-oidc:wrongType]\n  at Stack/Provider/RbacBindings/X';
    const throwsOf = (options: unknown) => {
      const p = rbacProvider(newStack());
      try {
        p.addRoleBinding('X', options as RoleBindingOptions);
      } catch (e) {
        return (e as Error).message;
      }
      return undefined;
    };
    expect(throwsOf({ namespace: 'a', users: ['a'] })).toBe(`Invalid role (missing): ${fix}`);
    expect(throwsOf({ namespace: 'a', users: ['a'], role: 'view' })).toBe(`Invalid role "(not a RoleRef)": ${fix}`);
    expect(throwsOf({ namespace: 'a', users: ['a'], role: view })).toBeUndefined();
  });

  test('duplicate ids within a provider: the constructs library refuses the second', () => {
    expect(error(p => {
      p.addClusterRoleBinding('X', { clusterRole: 'view', users: ['a'] });
      p.addRoleBinding('X', { namespace: 'a', role: RoleRef.clusterRole('edit'), users: ['a'], name: 'other' });
    })).toMatch(/^There is already a Construct with name 'X' in Construct \[RbacBindings\]/);
  });

  describe('one (kind, namespace, name) per cluster, across all its providers', () => {
    const taken = (first: string, second: string, what: string, fix: string) => `Invalid name "same": ${first} and ${second} would both be the ${what} `
      + `on cluster Stack/Cluster. ${fix}`;
    const GIVEN = 'Give each binding its own name, or leave name out to get one derived from the binding\'s construct path';

    test('two bindings of one provider', () => {
      expect(error(p => {
        p.addRoleBinding('X', { namespace: 'a', role: view, users: ['a'], name: 'same' });
        p.addRoleBinding('Y', { namespace: 'a', role: RoleRef.clusterRole('edit'), users: ['a'], name: 'same' });
      })).toBe(taken('Stack/Provider/RbacBindings/X', 'Stack/Provider/RbacBindings/Y', 'RoleBinding of this name in namespace a', GIVEN));
    });

    test('bindings of another provider of the same cluster, defined or imported; the message is whole, with its id and path', () => {
      const stack = newStack();
      const cluster = v2Cluster(stack);
      provider(stack, { cluster }, 'A').addClusterRoleBinding('X', { clusterRole: 'view', users: ['a'], name: 'same' });
      expect(() => provider(stack, { cluster, issuer: issuer('https://b.example.com') }, 'B').addClusterRoleBinding('Y', { clusterRole: 'edit', users: ['b'], name: 'same' }))
        .toThrow(new Error(`${taken('Stack/A/RbacBindings/X', 'Stack/B/RbacBindings/Y', 'ClusterRoleBinding of this name', GIVEN)} [cdk-eks-oidc:bindingNameTaken]`
          + '\n  at Stack/B/RbacBindings/Y'));
      const imported = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'Imported', {
        clusterName: 'prod',
        identityProviderConfigName: 'c',
        identityProviderConfigArn: 'arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/c/1',
        cluster,
        settings: { issuer: issuer('https://c.example.com'), clientId: 'kubernetes', usernamePrefix: 'c:' },
      });
      expect(errorOf(() => imported.addClusterRoleBinding('Z', { clusterRole: 'edit', users: ['c'], name: 'same' })))
        .toBe(taken('Stack/A/RbacBindings/X', 'Stack/Imported/RbacBindings/Z', 'ClusterRoleBinding of this name', GIVEN));
    });

    test('a generated name that another binding took: give one of the bindings a name', () => {
      // The name `Viewers` would get, from an app of the same construct paths.
      const twin = newStack();
      const generated = rbacProvider(twin).addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['a'] }).bindingName;
      const stack = newStack();
      const p = rbacProvider(stack);
      p.addClusterRoleBinding('Squatter', { clusterRole: 'edit', users: ['a'], name: generated });
      expect(errorOf(() => p.addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['a'] })))
        .toBe(`Invalid name ${JSON.stringify(generated)}: Stack/Provider/RbacBindings/Squatter and Stack/Provider/RbacBindings/Viewers would both be `
          + 'the ClusterRoleBinding of this name on cluster Stack/Cluster. Give one of the bindings a name of its own');
    });

    test('the same name is fine for another kind, another namespace or another cluster', () => {
      expect(error(p => {
        p.addRoleBinding('X', { namespace: 'a', role: view, users: ['a'], name: 'same' });
        p.addRoleBinding('Y', { namespace: 'b', role: view, users: ['a'], name: 'same' });
        p.addClusterRoleBinding('Z', { clusterRole: 'view', users: ['a'], name: 'same' });
      })).toBeUndefined();
      const stack = newStack();
      provider(stack, { cluster: v2Cluster(stack) }, 'A').addClusterRoleBinding('X', { clusterRole: 'view', users: ['a'], name: 'same' });
      const otherCluster = eks.Cluster.fromClusterAttributes(stack, 'OtherCluster', { clusterName: 'other', kubectlRoleArn: 'arn:aws:iam::111111111111:role/kubectl' });
      const other = provider(stack, { cluster: otherCluster, issuer: issuer('https://b.example.com') }, 'Other');
      expect(errorOf(() => other.addClusterRoleBinding('X', { clusterRole: 'view', users: ['a'], name: 'same' }))).toBeUndefined();
      // Two apps never see each other's bindings.
      const again = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
      expect(errorOf(() => provider(again, { cluster: v2Cluster(again) }, 'A').addClusterRoleBinding('X', { clusterRole: 'view', users: ['a'], name: 'same' })))
        .toBeUndefined();
    });
  });

  test.each([
    ['ClusterRoleBinding', undefined, 'cluster-admin', 'Kubernetes'],
    ['ClusterRoleBinding', undefined, 'aws-node', 'the Amazon VPC CNI'],
    ['ClusterRoleBinding', undefined, 'vpc-resource-controller-rolebinding', 'EKS\'s VPC resource controller'],
    ['RoleBinding', 'kube-system', 'eks-vpc-resource-controller-rolebinding', 'EKS\'s VPC resource controller'],
  ])('a %s that EKS or Kubernetes makes (%s/%s) cannot be taken over', (kind, namespace, name, owner) => {
    const add = (p: OidcIdentityProvider, ns = namespace) => (kind === 'RoleBinding'
      ? p.addRoleBinding('X', { namespace: ns!, role: view, users: ['a'], name })
      : p.addClusterRoleBinding('X', { clusterRole: 'view', users: ['a'], name }));
    expect(error(add)).toBe(`Invalid name "${name}": ${owner} already has a ${kind} of this name${namespace ? ` in namespace ${namespace}` : ''} `
      + 'in every EKS cluster, and deploying this binding would fail or take it over. '
      + 'Give the binding a name of your own, or leave name out to get one derived from the id');
    // The same name elsewhere is no built-in.
    const elsewhere = kind === 'RoleBinding'
      ? (p: OidcIdentityProvider) => add(p, 'team-a')
      : (p: OidcIdentityProvider) => p.addRoleBinding('X', { namespace: 'team-a', role: view, users: ['a'], name });
    expect(error(elsewhere)).toBeUndefined();
  });
});

describe('binding cluster-admin is an acknowledgeable warning, on the binding', () => {
  const WHOLE_CLUSTER = 'This binding makes its subjects superusers of the whole cluster (cluster-admin). Prefer admin, edit or view, or a ClusterRole '
    + 'of your own; acknowledge this warning if it is intended [ack: cdk-eks-oidc:clusterAdminBinding]';

  test('a ClusterRoleBinding: superusers of the whole cluster', () => {
    const stack = newStack();
    const p = rbacProvider(stack);
    const admins = p.addClusterRoleBinding('Admins', { clusterRole: 'cluster-admin', users: ['a'], name: 'admins' });
    Annotations.fromStack(stack).hasWarning('/Stack/Provider/RbacBindings/Admins', WHOLE_CLUSTER);
    Annotations.fromStack(stack).hasNoWarning('/Stack/Provider', Match.anyValue());
    CoreAnnotations.of(admins).acknowledgeWarning('cdk-eks-oidc:clusterAdminBinding', 'break-glass group');
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('acknowledged on the provider: for every binding of it', () => {
    const stack = newStack();
    const p = rbacProvider(stack);
    p.addClusterRoleBinding('Admins', { clusterRole: 'cluster-admin', users: ['a'] });
    p.addRoleBinding('NamespaceAdmins', { namespace: 'team-a', role: RoleRef.clusterRole('cluster-admin'), users: ['a'] });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cdk-eks-oidc:clusterAdminBinding'))).toHaveLength(2);
    CoreAnnotations.of(p).acknowledgeWarning('cdk-eks-oidc:clusterAdminBinding', 'break-glass group');
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('a RoleBinding to cluster-admin: every permission in its namespace, not the whole cluster', () => {
    const stack = newStack();
    rbacProvider(stack).addRoleBinding('Admins', { namespace: 'team-a', role: RoleRef.clusterRole('cluster-admin'), users: ['a'] });
    Annotations.fromStack(stack).hasWarning('/Stack/Provider/RbacBindings/Admins', 'This binding gives its subjects every permission in namespace "team-a", '
      + 'its role bindings included (cluster-admin). Prefer admin or edit, or a Role of your own; acknowledge this warning if it is intended '
      + '[ack: cdk-eks-oidc:clusterAdminBinding]');
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('whole cluster'));
  });

  test('no warning for admin, nor for a Role that happens to be named cluster-admin', () => {
    const stack = newStack();
    const p = rbacProvider(stack);
    p.addClusterRoleBinding('Admins', { clusterRole: 'admin', users: ['a'] });
    p.addRoleBinding('Local', { namespace: 'team-a', role: RoleRef.role('cluster-admin'), users: ['a'] });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

// RBAC bindings across a sequence of deploys, for aws-eks and aws-eks-v2: each state of the code
// is synthesized through the public API, and the deploy simulator runs the CloudFormation events
// between consecutive templates through aws-cdk-lib's own kubectl handler, with real kubectl, on a
// real kube-apiserver. After every deploy the cluster's bindings are exactly the template's plus
// the cluster's own, and access reviews show every grant of the template present and every
// removed one gone. Bindings are made both ways the API offers: a provider's add…Binding() and the
// ClusterRoleBinding and RoleBinding constructs made directly in the stack.
import { mkdirSync } from 'fs';
import { join } from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ApiServer } from './control-plane';
import { DeploySimulator, EksModule } from './deploy-simulator';
import { e2eEnvironment } from './environment';
import { kubernetesObjectsOf } from './template';
import { ClusterRoleBinding, OidcIdentityProvider, OidcIssuer, RoleBinding, RoleRef } from '../../src';

jest.setTimeout(300_000);

const RBAC = 'rbac.authorization.k8s.io';
const CLUSTER_NAME = 'e2e';
const KUBECTL_ROLE = 'arn:aws:iam::111111111111:role/kubectl';
const SERVICE_TOKEN = 'arn:aws:lambda:eu-west-1:111111111111:function:kubectl';

/** Each role grants one thing, so an access review of that thing tells whether the role is granted. */
const ROLES = {
  'ClusterRole/sim-config-reader': { verb: 'get', group: '', resource: 'configmaps' },
  'ClusterRole/sim-secret-lister': { verb: 'list', group: '', resource: 'secrets' },
  'Role/sim-deployer': { verb: 'create', group: 'apps', resource: 'deployments' },
};
const NAMESPACES = ['team-a', 'team-b'];
type Grant = { verb: string; group: string; resource: string };
const rule = ({ verb, group, resource }: Grant) => [{ apiGroups: [group], resources: [resource], verbs: [verb] }];
const CLUSTER_OBJECTS = [
  ...NAMESPACES.map(name => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
  { apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name: 'sim-config-reader' }, rules: rule(ROLES['ClusterRole/sim-config-reader']) },
  { apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name: 'sim-secret-lister' }, rules: rule(ROLES['ClusterRole/sim-secret-lister']) },
  ...NAMESPACES.map(namespace => ({
    apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: { name: 'sim-deployer', namespace }, rules: rule(ROLES['Role/sim-deployer']),
  })),
];

/**
 * One binding in code: a ClusterRoleBinding without namespace, a RoleBinding with one; made with
 * the provider's add…Binding(), or `direct`ly with `new ClusterRoleBinding(stack, id, { provider, ... })`
 * or `new RoleBinding(...)`.
 */
interface Binding {
  readonly provider: 'A' | 'B';
  readonly id: string;
  readonly direct?: boolean;
  readonly namespace?: string;
  readonly clusterRole?: string;
  readonly role?: string;
  readonly users?: string[];
  readonly groups?: string[];
  readonly name?: string;
}

/** A state of the code, and the events its deploy must send (by request type, sorted). */
interface Step {
  readonly name: string;
  readonly bindings?: Binding[];
  readonly events: string[];
}

const readers: Binding = { provider: 'A', id: 'Readers', clusterRole: 'sim-config-reader', groups: ['ops'] };
const deployers: Binding = { provider: 'A', id: 'Deployers', namespace: 'team-a', role: 'sim-deployer', users: ['alice'] };
const listers: Binding = { provider: 'A', id: 'Listers', namespace: 'team-a', clusterRole: 'sim-secret-lister', groups: ['dev'] };
const readersMore: Binding = { ...readers, groups: ['ops', 'dev'], users: ['bob'] };
const readersListing: Binding = { ...readersMore, clusterRole: 'sim-secret-lister' };
const deployersMoved: Binding = { ...deployers, namespace: 'team-b' };
const listersNamed: Binding = { ...listers, name: 'team-listers' };
const listersClusterWide: Binding = { ...listersNamed, namespace: undefined };
const viewersOfB: Binding = { provider: 'B', id: 'Readers', clusterRole: 'sim-config-reader', groups: ['ops'], users: ['alice'] };
const directReaders: Binding = { provider: 'A', id: 'DirectReaders', direct: true, clusterRole: 'sim-config-reader', groups: ['sre'] };
const directReadersMore: Binding = { ...directReaders, users: ['carol'] };
const directDeployers: Binding = { provider: 'B', id: 'DirectDeployers', direct: true, namespace: 'team-b', role: 'sim-deployer', users: ['dave'] };
const directDeployersMore: Binding = { ...directDeployers, groups: ['dev'] };
const directDeployersListing: Binding = { ...directDeployersMore, role: undefined, clusterRole: 'sim-secret-lister' };
const twoProviders = [readersListing, listersClusterWide, viewersOfB];

const STEPS: Step[] = [
  { name: 'add bindings', bindings: [readers, deployers], events: ['Create', 'Create'] },
  { name: 'add one more', bindings: [readers, deployers, listers], events: ['Create'] },
  { name: 'change subjects: in place', bindings: [readersMore, deployers, listers], events: ['Update'] },
  { name: 'change a role', bindings: [readersListing, deployers, listers], events: ['Create', 'Delete'] },
  { name: 'move a RoleBinding to another namespace', bindings: [readersListing, deployersMoved, listers], events: ['Create', 'Delete'] },
  { name: 'give a binding an explicit name', bindings: [readersListing, deployersMoved, listersNamed], events: ['Create', 'Delete'] },
  { name: 'turn a RoleBinding into a ClusterRoleBinding', bindings: [readersListing, deployersMoved, listersClusterWide], events: ['Create', 'Delete'] },
  { name: 'remove one', bindings: [readersListing, listersClusterWide], events: ['Delete'] },
  { name: 'a second provider on the cluster', bindings: twoProviders, events: ['Create'] },
  { name: 'add bindings made directly with new ClusterRoleBinding and new RoleBinding', bindings: [...twoProviders, directReaders, directDeployers], events: ['Create', 'Create'] },
  { name: 'change the subjects of a direct ClusterRoleBinding: in place', bindings: [...twoProviders, directReadersMore, directDeployers], events: ['Update'] },
  { name: 'change the subjects of a direct RoleBinding: in place', bindings: [...twoProviders, directReadersMore, directDeployersMore], events: ['Update'] },
  { name: 'change the role of a direct RoleBinding', bindings: [...twoProviders, directReadersMore, directDeployersListing], events: ['Create', 'Delete'] },
  { name: 'remove the direct bindings', bindings: twoProviders, events: ['Delete', 'Delete'] },
  { name: 'delete the stack', events: ['Delete', 'Delete', 'Delete'] },
];

/** A stack with an imported cluster of the module and its kubectl provider, as literal values. */
function newStack(module: EksModule) {
  const stack = new Stack(new App(), 'Rbac', { env: { account: '111111111111', region: 'eu-west-1' } });
  const cluster = module === 'aws-eks'
    ? eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
      clusterName: CLUSTER_NAME,
      kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
        functionArn: SERVICE_TOKEN, kubectlRoleArn: KUBECTL_ROLE, handlerRole: iam.Role.fromRoleArn(stack, 'Handler', KUBECTL_ROLE),
      }),
    })
    : eksv2.Cluster.fromClusterAttributes(stack, 'Cluster', {
      clusterName: CLUSTER_NAME,
      kubectlProvider: eksv2.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', { serviceToken: SERVICE_TOKEN }),
    });
  return { stack, cluster };
}

/**
 * The template of a state of the code. Each binding construct must say what its manifest applies:
 * its kind, namespace and name are those of the one object of its manifest's resource.
 */
function synthesize(module: EksModule, bindings: Binding[]) {
  const { stack, cluster } = newStack(module);
  const providers = {
    A: new OidcIdentityProvider(stack, 'A', {
      cluster, issuer: OidcIssuer.fromUrl('https://a.example.com'), clientId: 'k8s', usernamePrefix: 'a:', groupsClaim: 'groups', groupsPrefix: 'a:',
    }),
    B: new OidcIdentityProvider(stack, 'B', {
      cluster, issuer: OidcIssuer.fromUrl('https://b.example.com'), clientId: 'k8s', usernamePrefix: 'b:', groupsClaim: 'groups', groupsPrefix: 'b:',
    }),
  };
  const made: Array<ClusterRoleBinding | RoleBinding> = [];
  for (const { provider, id, direct, namespace, clusterRole, role, users, groups, name } of bindings) {
    const subjects = { users, groups, name };
    if (namespace === undefined) {
      const options = { clusterRole: clusterRole!, ...subjects };
      made.push(direct
        ? new ClusterRoleBinding(stack, id, { provider: providers[provider], ...options })
        : providers[provider].addClusterRoleBinding(id, options));
    } else {
      const options = { namespace, role: role !== undefined ? RoleRef.role(role) : RoleRef.clusterRole(clusterRole!), ...subjects };
      made.push(direct ? new RoleBinding(stack, id, { provider: providers[provider], ...options }) : providers[provider].addRoleBinding(id, options));
    }
  }
  const template = Template.fromStack(stack).toJSON();
  const applied = made.map(binding => {
    const resource = binding.manifest.node.findAll().find((c): c is CfnResource => c instanceof CfnResource);
    const objects = JSON.parse(template.Resources[stack.resolve(resource!.logicalId)].Properties.Manifest);
    return objects.map((o: any) => keyOf(o.kind, o.metadata.namespace, o.metadata.name)).join(' ');
  });
  expect(applied).toEqual(made.map(b => keyOf(b.kind, b instanceof RoleBinding ? b.namespace : undefined, b.bindingName)));
  return template;
}

const keyOf = (kind: string, namespace: string | undefined, name: string) => `${kind}/${namespace ?? ''}/${name}`;
const subjectKey = (s: { kind: string; name: string }) => `${s.kind}:${s.name}`;

const env = e2eEnvironment('deploys');

describe.each<EksModule>(['aws-eks', 'aws-eks-v2'])('%s: the kubectl handler of the module', (module) => {
  let server: ApiServer;
  let kubeconfig: string;
  /** The cluster's own bindings before the first deploy, as JSON, by kind/namespace/name. */
  let builtIn: Map<string, string>;

  const simulator = (name: string) => {
    const workDir = join(env.dir, module, name);
    mkdirSync(workDir, { recursive: true });
    return new DeploySimulator({
      module, binDir: env.binaries.dir, kubeconfig, clusterName: CLUSTER_NAME, workDir, roleArn: module === 'aws-eks' ? KUBECTL_ROLE : undefined,
    });
  };
  const admin = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    server.request(server.adminToken, method, path, body, 'application/json', headers);

  /** Every ClusterRoleBinding and RoleBinding in the cluster, as JSON, by kind/namespace/name. */
  async function clusterBindings(): Promise<Map<string, any>> {
    const bindings = new Map<string, any>();
    for (const kind of ['ClusterRoleBinding', 'RoleBinding']) {
      const response = await admin('GET', `/apis/${RBAC}/v1/${kind.toLowerCase()}s`);
      expect(response.status).toBe(200);
      for (const item of response.body.items) bindings.set(keyOf(kind, item.metadata.namespace, item.metadata.name), item);
    }
    return bindings;
  }

  /** Whether the subject may do what the role grants, in the namespace, by an access review as the subject. */
  async function allowed(subject: { kind: string; name: string }, role: keyof typeof ROLES, namespace: string): Promise<boolean> {
    const as: Record<string, string> = subject.kind === 'User' ? { 'Impersonate-User': subject.name } : { 'Impersonate-User': 'sim-probe', 'Impersonate-Group': subject.name };
    const { verb, group, resource } = ROLES[role];
    const response = await admin('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb, group, resource, namespace } },
    }, as);
    expect(response.status).toBe(201);
    return response.body.status.allowed === true;
  }

  /** What the template grants: does some binding give the role to the subject in the namespace? */
  const grants = (objects: any[], subject: { kind: string; name: string }, role: string, namespace: string) => objects.some(o =>
    `${o.roleRef.kind}/${o.roleRef.name}` === role
    && (o.kind === 'ClusterRoleBinding' || o.metadata.namespace === namespace)
    && o.subjects.some((s: any) => subjectKey(s) === subjectKey(subject)));

  /** The cluster holds exactly the template's bindings and its own, and grants exactly what the template grants. */
  async function expectClusterMatches(template: any, subjectsSeen: Map<string, { kind: string; name: string }>) {
    const objects = kubernetesObjectsOf(template);
    const actual = await clusterBindings();
    const expected = new Map(objects.map(o => [keyOf(o.kind, o.metadata.namespace, o.metadata.name), o]));
    expect([...actual.keys()].sort()).toEqual([...builtIn.keys(), ...expected.keys()].sort());
    for (const [key, json] of builtIn) expect(JSON.stringify(actual.get(key))).toBe(json);
    for (const [key, object] of expected) {
      const { roleRef, subjects } = actual.get(key);
      expect({ key, roleRef, subjects }).toEqual({ key, roleRef: object.roleRef, subjects: object.subjects });
    }
    for (const object of objects) for (const subject of object.subjects) subjectsSeen.set(subjectKey(subject), subject);
    const reviews: string[] = [];
    const wanted: string[] = [];
    for (const subject of subjectsSeen.values()) {
      for (const role of Object.keys(ROLES) as Array<keyof typeof ROLES>) {
        for (const namespace of NAMESPACES) {
          const what = `${subjectKey(subject)} ${role} in ${namespace}`;
          reviews.push(`${what}: ${await allowed(subject, role, namespace)}`);
          wanted.push(`${what}: ${grants(objects, subject, role, namespace)}`);
        }
      }
    }
    expect(reviews).toEqual(wanted);
  }

  beforeAll(async () => {
    server = await ApiServer.start(env.binaries.kubeApiServer, env.pki, env.etcd, [], module);
    for (const object of CLUSTER_OBJECTS) await server.apply(object);
    kubeconfig = server.writeAdminKubeconfig(join(env.pki.dir, module));
    builtIn = new Map([...await clusterBindings()].map(([key, item]) => [key, JSON.stringify(item)]));
    expect(builtIn.has('ClusterRoleBinding//cluster-admin')).toBe(true);
  });

  afterAll(async () => {
    await server?.stop();
  });

  test('every step of the code changes the cluster exactly so, and a removed grant is gone', async () => {
    const deploys = simulator('sequence');
    const subjectsSeen = new Map<string, { kind: string; name: string }>();
    for (const step of STEPS) {
      const template = step.bindings && synthesize(module, step.bindings);
      const events = await deploys.deploy(template);
      expect({ step: step.name, events: events.map(e => e.split(' ')[0]).sort() }).toEqual({ step: step.name, events: step.events });
      try {
        await expectClusterMatches(template, subjectsSeen);
      } catch (error) {
        (error as Error).message = `after "${step.name}" (${events.join(', ')}):\n${(error as Error).message}`;
        throw error;
      }
    }
    // Every subject of the sequence was reviewed, and each lost its grants with the stack.
    expect([...subjectsSeen.keys()].sort()).toEqual([
      'Group:a:dev', 'Group:a:ops', 'Group:a:sre', 'Group:b:dev', 'Group:b:ops', 'User:a:alice', 'User:a:bob', 'User:a:carol', 'User:b:alice', 'User:b:dave',
    ]);
  });

  test.each<[string, string, Binding]>([
    ['under a new id', 'new-id', { ...listersNamed, id: 'TeamListers' }],
    ['by a binding made directly with new RoleBinding() instead of addRoleBinding()', 'made-directly', { ...listersNamed, direct: true }],
  ])('an explicit name kept %s: the create fails with AlreadyExists, and the cluster keeps its binding', async (_, dir, moved) => {
    const deploys = simulator(dir);
    const before = synthesize(module, [listersNamed]);
    await deploys.deploy(before);
    await expect(deploys.deploy(synthesize(module, [moved]))).rejects.toThrow(/AlreadyExists/);
    await expectClusterMatches(before, new Map());
    await deploys.deploy(undefined);
    await expectClusterMatches(undefined, new Map());
  });

  test('what this design avoids: aws-cdk-lib\'s pruned manifest never revokes a binding removed from it', async () => {
    const deploys = simulator('pruned');
    const subjects = (name: string) => [{ apiGroup: RBAC, kind: 'Group', name: `pruned:${name}` }];
    const roleRef = { apiGroup: RBAC, kind: 'ClusterRole', name: 'sim-config-reader' };
    const clusterBinding = (name: string) => ({ apiVersion: `${RBAC}/v1`, kind: 'ClusterRoleBinding', metadata: { name }, roleRef, subjects: subjects(name) });
    const roleBinding = { apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata: { name: 'pruned-third', namespace: 'team-a' }, roleRef, subjects: subjects('pruned-third') };
    const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'team-a' }, data: { a: 'b' } });
    const pruned = (objects: any[]) => {
      const { stack, cluster } = newStack(module);
      const props = { manifest: objects, prune: true };
      if (module === 'aws-eks') new eks.KubernetesManifest(stack, 'Bindings', { cluster: cluster as eks.ICluster, ...props });
      else new eksv2.KubernetesManifest(stack, 'Bindings', { cluster: cluster as eksv2.ICluster, ...props });
      return Template.fromStack(stack).toJSON();
    };
    const paths = {
      first: `/apis/${RBAC}/v1/clusterrolebindings/pruned-first`,
      second: `/apis/${RBAC}/v1/clusterrolebindings/pruned-second`,
      third: `/apis/${RBAC}/v1/namespaces/team-a/rolebindings/pruned-third`,
      kept: '/api/v1/namespaces/team-a/configmaps/pruned-kept',
      beside: '/api/v1/namespaces/team-a/configmaps/pruned-beside',
    };
    const existing = async () => Object.fromEntries(await Promise.all(Object.entries(paths).map(async ([name, path]) =>
      [name, (await admin('GET', path)).status === 200])));

    const all = [clusterBinding('pruned-first'), clusterBinding('pruned-second'), roleBinding, configMap('pruned-kept'), configMap('pruned-beside')];
    expect(await deploys.deploy(pruned(all))).toEqual([expect.stringMatching(/^Create /)]);
    expect(await existing()).toEqual({ first: true, second: true, third: true, kept: true, beside: true });
    // Keep one binding and one ConfigMap of namespace team-a, so that kubectl prunes in it too.
    expect(await deploys.deploy(pruned([clusterBinding('pruned-first'), configMap('pruned-kept')]))).toEqual([expect.stringMatching(/^Update /)]);
    // The removed ConfigMap was pruned: the simulator runs the prune. The removed bindings were not: they still grant.
    expect(await existing()).toEqual({ first: true, second: true, third: true, kept: true, beside: false });
    expect(await allowed({ kind: 'Group', name: 'pruned:pruned-second' }, 'ClusterRole/sim-config-reader', 'team-b')).toBe(true);
    expect(await allowed({ kind: 'Group', name: 'pruned:pruned-third' }, 'ClusterRole/sim-config-reader', 'team-a')).toBe(true);
    // Even deleting the stack leaves them: the Delete deletes only what the manifest still lists.
    await deploys.deploy(undefined);
    expect(await existing()).toEqual({ first: false, second: true, third: true, kept: false, beside: false });
    for (const path of [paths.second, paths.third]) expect((await admin('DELETE', path)).status).toBe(200);
  });
});

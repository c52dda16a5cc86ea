// Logging in with the kubeconfigs the provider renders, through a real kubectl (built from the
// same Kubernetes release as kube-apiserver): the kubeconfig outputs are read from the
// synthesized template, their deploy-time endpoint and CA replaced with the local server's, and
// kubectl must end up as the user and groups that usernameFor()/groupFor() predict.
// People's variant: int128/kubelogin cannot be installed here (the Go module proxy refuses it),
// so a stand-in `kubectl-oidc_login` on PATH checks that kubectl calls it with exactly the
// arguments kubelogin documents, and answers with an ExecCredential as kubelogin does.
import { execFile } from 'child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnCluster } from 'aws-cdk-lib/aws-eks';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { CONFIGMAP_READER, NAMESPACE, NAMESPACE_OBJECT } from './cluster-objects';
import { ApiServer } from './control-plane';
import { e2eEnvironment } from './environment';
import { kubernetesObjectsOf, oidcFlagsOf, resolve } from './template';
import { OidcIdentityProvider, OidcIdentityProviderProps, OidcIssuer, RoleRef } from '../../src';

jest.setTimeout(180_000);

const CLIENT_ID = 'kubernetes';
const CLUSTER_OBJECTS = [NAMESPACE_OBJECT, CONFIGMAP_READER];

/**
 * kubelogin, as far as kubectl sees it: it must be called with exactly the arguments kubelogin's
 * docs give for this provider (EXPECTED_ARGS), and prints an ExecCredential of the apiVersion
 * kubectl asks for (KUBERNETES_EXEC_INFO) with the ID token in TOKEN_FILE, as kubelogin does.
 */
const KUBELOGIN_STAND_IN = `#!/usr/bin/env node
const fs = require('fs');
const expected = JSON.parse(process.env.EXPECTED_ARGS);
const actual = process.argv.slice(2);
if (JSON.stringify(actual) !== JSON.stringify(expected)) {
  console.error('kubelogin stand-in: called with ' + JSON.stringify(actual) + ', expected ' + JSON.stringify(expected));
  process.exit(1);
}
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
}

const CASES: Case[] = [
  {
    name: 'default claim sub and issuer# prefix, groups',
    props: origin => ({ issuer: OidcIssuer.fromUrl(`${origin}/dex`), groupsClaim: 'groups' }),
    claims: { sub: 'alice-0a1b', groups: ['platform'] },
    username: 'alice-0a1b',
    groups: ['platform'],
    scopes: [],
  },
  {
    name: 'email claim, with a groups prefix',
    props: origin => ({ issuer: OidcIssuer.fromUrl(`${origin}/okta`), usernameClaim: 'email', groupsClaim: 'groups', groupsPrefix: 'okta:' }),
    claims: { sub: '00u1', email: 'alice@example.com', email_verified: true, groups: ['platform', 'sre'] },
    username: 'alice@example.com',
    groups: ['platform', 'sre'],
    scopes: ['email'],
  },
  {
    name: 'the Keycloak preset, with an explicit prefix',
    props: origin => ({ issuer: OidcIssuer.keycloak({ url: origin, realm: 'platform' }), usernamePrefix: 'kc:' }),
    claims: { sub: 'f:1', preferred_username: 'alice', groups: ['/platform'] },
    username: 'alice',
    groups: ['/platform'],
    scopes: [],
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
  const files = { people: '', ci: '', token: '' };
  let issuerUrl: string;

  /** Runs the suite's kubectl, with the stand-in kubelogin on PATH; resolves to its exit code and output. */
  const kubeloginArgs = () => ['get-token', `--oidc-issuer-url=${issuerUrl}`, `--oidc-client-id=${CLIENT_ID}`,
    ...c.scopes.map(scope => `--oidc-extra-scope=${scope}`)];
  type Result = { code: number; stdout: string; stderr: string };
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
  const kubectl = (kubeconfig: string, ...args: string[]) => kubectlWith(kubeloginArgs(), kubeconfig, ...args);

  beforeAll(async () => {
    caseDir = join(env.dir, `case-${CASES.indexOf(c)}`);
    mkdirSync(caseDir);
    files.people = join(caseDir, 'people.kubeconfig');
    files.ci = join(caseDir, 'ci.kubeconfig');
    files.token = join(caseDir, 'token');

    const stack = new Stack(new App(), 'Login', { env: { account: '111111111111', region: 'eu-west-1' } });
    // The endpoint and CA are deploy-time values, as for a cluster of the app: the attributes of
    // an EKS cluster resource, which this server stands in for.
    const eksCluster = new CfnCluster(stack, 'Eks', {
      roleArn: 'arn:aws:iam::111111111111:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-0a1b2c3d'] },
    });
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
      clusterName: 'e2e',
      clusterEndpoint: eksCluster.attrEndpoint,
      clusterCertificateAuthorityData: eksCluster.attrCertificateAuthorityData,
      kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', { serviceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:kubectl' }),
    });
    provider = new OidcIdentityProvider(stack, 'Provider', { cluster, clientId: CLIENT_ID, identityProviderConfigName: 'sso', ...c.props(env.issuer.origin) });
    provider.addRoleBinding('Alice', { namespace: NAMESPACE, role: RoleRef.clusterRole(CONFIGMAP_READER.metadata.name), users: [c.username] });
    const people = provider.addKubeconfigOutput('People');
    const ci = provider.addKubeconfigOutput('Ci', { tokenFile: files.token });
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
    for (const [output, file] of [[people, files.people], [ci, files.ci]] as const) {
      writeFileSync(file, resolve(template.Outputs[stack.resolve(output.logicalId)].Value, deployTime));
    }
  });

  afterAll(async () => {
    await server?.stop();
  });

  test.each(['people', 'ci'] as const)('%s: kubectl auth whoami is the user and groups usernameFor()/groupFor() predict', async (variant) => {
    const { code, stdout, stderr } = await kubectl(files[variant], 'auth', 'whoami', '-o', 'json');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const user = JSON.parse(stdout).status.userInfo;
    expect(user.username).toBe(provider.usernameFor(c.username));
    expect(user.groups.slice().sort()).toEqual([...c.groups.map(g => provider.groupFor(g)), 'system:authenticated'].sort());
  });

  test.each(['people', 'ci'] as const)('%s: kubectl auth can-i answers what the bindings grant', async (variant) => {
    const can = async (...args: string[]) => (await kubectl(files[variant], 'auth', 'can-i', ...args)).stdout.trim();
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
});

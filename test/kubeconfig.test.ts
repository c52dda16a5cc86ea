import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { parse } from 'yaml';
import { OidcIdentityProvider, OidcIdentityProviderProps, OidcIssuer } from '../src';
import { errorOf, ISSUER, newStack, provider } from './util';

const ENDPOINT = 'https://ABCDEF0123456789.gr7.eu-west-1.eks.amazonaws.com';
const CA = 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=';
const ARN = 'arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/okta/0ab1';

/** A provider on an imported cluster that knows its endpoint and CA. */
function connected(stack: Stack, props: Partial<OidcIdentityProviderProps> = {}) {
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: 'prod', clusterEndpoint: ENDPOINT, clusterCertificateAuthorityData: CA,
  });
  return provider(stack, { cluster, identityProviderConfigName: 'okta', ...props });
}

/** The kubelogin exec entry of a parsed kubeconfig, as kubelogin's setup guide writes it. */
const exec = (args: string[]) => ({
  apiVersion: 'client.authentication.k8s.io/v1',
  command: 'kubectl',
  args: ['oidc-login', 'get-token', ...args],
  interactiveMode: 'Never',
});

describe('the kubeconfig', () => {
  test('for people: one cluster, user and context, kubelogin with the provider\'s issuer and client', () => {
    const p = connected(newStack());
    expect(parse(p.kubeconfig())).toEqual({
      'apiVersion': 'v1',
      'kind': 'Config',
      'clusters': [{ name: 'prod-okta', cluster: { 'server': ENDPOINT, 'certificate-authority-data': CA } }],
      'users': [{ name: 'prod-okta', user: { exec: exec([`--oidc-issuer-url=${ISSUER}`, '--oidc-client-id=kubernetes']) } }],
      'contexts': [{ name: 'prod-okta', context: { cluster: 'prod-okta', user: 'prod-okta' } }],
      'current-context': 'prod-okta',
    });
  });

  test('for CI jobs: a token file instead of the exec plugin', () => {
    const p = connected(newStack());
    const config = parse(p.kubeconfig({ tokenFile: '/tmp/token', contextName: 'ci' }));
    expect(config.users).toEqual([{ name: 'ci', user: { tokenFile: '/tmp/token' } }]);
    expect(config['current-context']).toBe('ci');
    expect(config.clusters[0].name).toBe('ci');
  });

  test.each<[string, Partial<OidcIdentityProviderProps>, string[] | undefined, string[]]>([
    ['the sub claim: none', {}, undefined, []],
    ['the email claim: email', { usernameClaim: 'email' }, undefined, ['email']],
    ['Entra ID: profile, for oid', { issuerUrl: undefined, issuer: OidcIssuer.entraId({ tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' }) }, undefined, ['profile']],
    ['Okta: email, once', { issuerUrl: undefined, issuer: OidcIssuer.okta({ domain: 'example.okta.com' }) }, undefined, ['email']],
    ['given: they replace the default, each once, in order', { usernameClaim: 'email' }, ['groups', 'offline_access', 'groups'], ['groups', 'offline_access']],
    ['given empty: none', { usernameClaim: 'email' }, [], []],
  ])('extra scopes, %s', (_, props, extraScopes, expected) => {
    const p = connected(newStack(), props);
    const args: string[] = parse(p.kubeconfig({ extraScopes })).users[0].user.exec.args;
    expect(args.slice(4)).toEqual(expected.map(scope => `--oidc-extra-scope=${scope}`));
    expect(args.slice(2, 4)).toEqual([`--oidc-issuer-url=${p.issuerUrl}`, '--oidc-client-id=kubernetes']);
  });

  test('every option', () => {
    const p = connected(newStack());
    const config = parse(p.kubeconfig({
      clusterEndpoint: 'https://other.example.com', certificateAuthorityData: 'Q0E=', contextName: 'platform', extraScopes: ['groups'],
    }));
    expect(config.clusters).toEqual([{ name: 'platform', cluster: { 'server': 'https://other.example.com', 'certificate-authority-data': 'Q0E=' } }]);
    expect(config.users[0].user.exec.args).toContain('--oidc-extra-scope=groups');
  });

  test('values that YAML would read otherwise are quoted: colons, hashes, quotes, leading dashes, "yes"', () => {
    const clientId = 'yes: "#1" - \\ \'x\'';
    const contextName = '- [a]: {b} #c';
    const p = connected(newStack(), { clientId });
    const config = parse(p.kubeconfig({ contextName }));
    expect(config.users[0].user.exec.args[3]).toBe(`--oidc-client-id=${clientId}`);
    expect(config['current-context']).toBe(contextName);
  });

  test('no client secret, ever: the kubeconfig names only the issuer, the client ID and the scopes', () => {
    const yaml = connected(newStack(), { usernameClaim: 'email' }).kubeconfig();
    expect(yaml).not.toMatch(/secret/i);
    expect(parse(yaml).users[0].user.exec.args).toEqual(['oidc-login', 'get-token', `--oidc-issuer-url=${ISSUER}`, '--oidc-client-id=kubernetes', '--oidc-extra-scope=email']);
  });
});

describe('clusters and deploy-time values', () => {
  test('an aws-eks-v2 Cluster of the app: endpoint, CA and name resolve at deploy time, in an output', () => {
    const stack = newStack();
    const cluster = new eksv2.Cluster(stack, 'Cluster', { version: eksv2.KubernetesVersion.V1_32 });
    const p = provider(stack, { cluster, identityProviderConfigName: 'okta' });
    const output = p.addKubeconfigOutput('Kubeconfig');
    const clusterId = stack.getLogicalId(cluster.node.defaultChild as eksv2.CfnCluster);
    const outputs = Template.fromStack(stack).toJSON().Outputs;
    const [key] = Object.keys(outputs);
    expect(key).toBe(stack.resolve(output.logicalId));
    const parts: unknown[] = outputs[key].Value['Fn::Join'][1];
    expect(parts).toContainEqual({ 'Fn::GetAtt': [clusterId, 'Endpoint'] });
    expect(parts).toContainEqual({ 'Fn::GetAtt': [clusterId, 'CertificateAuthorityData'] });
    expect(parts).toContainEqual({ Ref: clusterId });
    // A literal, as CloudFormation requires of descriptions.
    expect(outputs[key].Description).toBe('kubeconfig for OIDC login to EKS with the identity provider Stack/Provider: '
      + 'save it to a file and run kubectl --kubeconfig <file> auth whoami (needs kubelogin (kubectl oidc-login) installed)');

    // Put the deploy-time values in, and the YAML reads as the literal one does.
    const resolved = parts.map(part => (typeof part === 'string' ? part
      : JSON.stringify(part) === JSON.stringify({ Ref: clusterId }) ? 'prod' : (part as any)['Fn::GetAtt'][1] === 'Endpoint' ? ENDPOINT : CA)).join('');
    expect(parse(resolved).clusters).toEqual([{ name: 'prod-okta', cluster: { 'server': ENDPOINT, 'certificate-authority-data': CA } }]);
  });

  test('an output\'s description is a literal, even with a token file that is a deploy-time value', () => {
    const stack = newStack();
    const ci = connected(stack).addKubeconfigOutput('Ci', { tokenFile: new CfnParameter(stack, 'TokenFile').valueAsString });
    expect(Template.fromStack(stack).toJSON().Outputs[stack.resolve(ci.logicalId)].Description).toBe('kubeconfig for OIDC login to EKS with the '
      + 'identity provider Stack/Provider: save it to a file and run kubectl --kubeconfig <file> auth whoami (kubectl sends the identity token in its token file)');
  });

  test('an aws-eks CfnCluster: its attributes', () => {
    const stack = newStack();
    const cluster = new eks.CfnCluster(stack, 'Cluster', {
      roleArn: 'arn:aws:iam::111111111111:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'] },
    });
    const yaml = provider(stack, { cluster }).kubeconfig();
    expect(stack.resolve(yaml)['Fn::Join'][1]).toEqual(expect.arrayContaining([
      { 'Fn::GetAtt': ['Cluster', 'Endpoint'] }, { 'Fn::GetAtt': ['Cluster', 'CertificateAuthorityData'] },
    ]));
  });

  test('a parameter as the endpoint survives into the template', () => {
    const stack = newStack();
    const endpoint = new CfnParameter(stack, 'Endpoint').valueAsString;
    const yaml = connected(stack).kubeconfig({ clusterEndpoint: endpoint });
    expect(stack.resolve(yaml)['Fn::Join'][1]).toContainEqual({ Ref: 'Endpoint' });
  });
});

describe('errors', () => {
  test('an import without endpoint or CA: the option to pass', () => {
    const stack = newStack();
    const p = provider(stack);
    expect(errorOf(() => p.kubeconfig())).toBe('Invalid clusterEndpoint undefined: the cluster of Stack/Provider does not know it '
      + '(an import without clusterEndpoint, or no cluster). Pass clusterEndpoint to kubeconfig(), or import the cluster with clusterEndpoint');
    expect(errorOf(() => p.kubeconfig({ clusterEndpoint: ENDPOINT }))).toBe('Invalid certificateAuthorityData undefined: the cluster of Stack/Provider '
      + 'does not know it (an import without clusterCertificateAuthorityData, or no cluster). '
      + 'Pass certificateAuthorityData to kubeconfig(), or import the cluster with clusterCertificateAuthorityData');
    expect(errorOf(() => p.kubeconfig({ clusterEndpoint: ENDPOINT, certificateAuthorityData: CA }))).toBeUndefined();
  });

  test('an imported provider without issuer URL or client ID: both named', () => {
    const stack = newStack();
    const bare = OidcIdentityProvider.fromIdentityProviderConfigArn(stack, 'Bare', ARN);
    const options = { clusterEndpoint: ENDPOINT, certificateAuthorityData: CA };
    expect(errorOf(() => bare.kubeconfig(options))).toBe('Invalid issuerUrl and clientId undefined: the provider Stack/Bare was imported without it, '
      + 'and a kubeconfig names it. Pass issuerUrl and clientId, and the claims and prefixes the provider is configured with, to fromOidcIdentityProviderAttributes()');
    const withSettings = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'Okta', {
      clusterName: 'prod', identityProviderConfigName: 'okta', identityProviderConfigArn: ARN, issuerUrl: ISSUER, clientId: 'kubernetes',
    });
    expect(parse(withSettings.kubeconfig(options))['current-context']).toBe('prod-okta');
  });
});

import { Aws, CfnParameter, CfnResource, Fn, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { KubeconfigOptions, OidcIdentityProvider, OidcIdentityProviderProps, OidcIssuer, OidcSettings } from '../src';
import { errorOf, ISSUER, newStack, provider, withoutIds } from './util';

const ENDPOINT = 'https://ABCDEF0123456789.gr7.eu-west-1.eks.amazonaws.com';
const CA = 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=';
const ARN = 'arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/okta/0ab1';

/** An imported cluster that knows its endpoint and CA. */
const connectedCluster = (stack: Stack) => eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
  clusterName: 'prod', clusterEndpoint: ENDPOINT, clusterCertificateAuthorityData: CA,
});

/** A provider on an imported cluster that knows its endpoint and CA. */
function connected(stack: Stack, props: Partial<OidcIdentityProviderProps> = {}) {
  return provider(stack, { cluster: connectedCluster(stack), identityProviderConfigName: 'okta', ...props });
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
    ['the issuer\'s email claim: email', { issuer: OidcIssuer.fromUrl(ISSUER, { usernameClaim: 'email' }) }, undefined, ['email']],
    ['Entra ID: profile, for oid', { issuer: OidcIssuer.entraId({ tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' }) }, undefined, ['profile']],
    ['Entra ID with the email claim: email and profile', { issuer: OidcIssuer.entraId({ tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' }), usernameClaim: 'email' },
      undefined, ['email', 'profile']],
    ['Okta (email claim): email, once', { issuer: OidcIssuer.okta({ domain: 'example.okta.com' }) }, undefined, ['email']],
    ['Okta with the sub claim: none', { issuer: OidcIssuer.okta({ domain: 'example.okta.com' }), usernameClaim: 'sub' }, undefined, []],
    ['an issuer\'s own scopes', { issuer: OidcIssuer.fromUrl(ISSUER, { kubeconfigScopes: ['groups'] }) }, undefined, ['groups']],
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
  test('an aws-eks-v2 Cluster of the app: its endpoint, CA and name (GetAtt, Ref) are accepted and resolve at deploy time, in an output', () => {
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
    const ci = connected(stack).addKubeconfigOutput('Ci', { tokenFile: `/tmp/${Aws.REGION}-token` });
    expect(Template.fromStack(stack).toJSON().Outputs[stack.resolve(ci.logicalId)].Description).toBe('kubeconfig for OIDC login to EKS with the '
      + 'identity provider Stack/Provider: save it to a file and run kubectl --kubeconfig <file> auth whoami (kubectl sends the identity token in its token file)');
  });

  describe('an output\'s description stays within CloudFormation\'s 1024 bytes', () => {
    const description = (stack: Stack, output: { logicalId: string }) =>
      Template.fromStack(stack).toJSON().Outputs[stack.resolve(output.logicalId)].Description;
    const TOKEN_FILE = 'save it to a file and run kubectl --kubeconfig <file> auth whoami (kubectl sends the identity token in ';

    test.each([
      ['a 2000-character token file', '/var/run/' + 'x'.repeat(2000)],
      ['a token file of 400 three-byte characters', '/var/run/' + '\u20ac'.repeat(400)],
    ])('%s: named as "its token file"', (_, tokenFile) => {
      const stack = newStack();
      const p = connected(stack);
      const text = description(stack, p.addKubeconfigOutput('Ci', { tokenFile }));
      expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(1024);
      expect(text).toBe(`kubeconfig for OIDC login to EKS with the identity provider Stack/Provider: ${TOKEN_FILE}its token file)`);
      // The kubeconfig itself keeps the whole path.
      expect(parse(p.kubeconfig({ tokenFile })).users[0].user.tokenFile).toBe(tokenFile);
    });

    test('a token file that fits is named', () => {
      const stack = newStack();
      const tokenFile = '/var/run/' + 'x'.repeat(700);
      const text = description(stack, connected(stack).addKubeconfigOutput('Ci', { tokenFile }));
      expect(text).toBe(`kubeconfig for OIDC login to EKS with the identity provider Stack/Provider: ${TOKEN_FILE}${tokenFile})`);
      expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(1024);
    });

    test('a provider with a very long construct path', () => {
      const stack = newStack();
      let scope: Construct = stack;
      for (let i = 0; i < 8; i++) scope = new Construct(scope, `${'Deep'.repeat(50)}${i}`);
      const p = new OidcIdentityProvider(scope, 'Provider', { cluster: connectedCluster(stack), issuer: OidcIssuer.fromUrl(ISSUER), clientId: 'kubernetes' });
      p.addKubeconfigOutput('People');
      p.addKubeconfigOutput('Ci', { tokenFile: '/tmp/token' });
      const outputs = Object.values<{ Description: string }>(Template.fromStack(stack).toJSON().Outputs);
      expect(outputs).toHaveLength(2);
      for (const { Description: text } of outputs) {
        expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(1024);
        expect(text).toMatch(/^kubeconfig for OIDC login to EKS with the identity provider Stack\/Deep/);
      }
    });
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

  test('a Cognito user pool of the app as the issuer: its provider name resolves at deploy time', () => {
    const stack = newStack();
    const pool = new cognito.UserPool(stack, 'Pool');
    const p = connected(stack, { issuer: OidcIssuer.cognitoUserPool(pool) });
    const parts: unknown[] = stack.resolve(p.kubeconfig())['Fn::Join'][1];
    expect(parts).toContainEqual({ 'Fn::GetAtt': [stack.getLogicalId(pool.node.defaultChild as cognito.CfnUserPool), 'ProviderName'] });
  });

  test('pseudo parameters between literal text are accepted', () => {
    const stack = newStack();
    const yaml = connected(stack).kubeconfig({ contextName: `prod-${Aws.REGION}`, tokenFile: `/tmp/${Aws.ACCOUNT_ID}/token` });
    expect(stack.resolve(yaml)['Fn::Join'][1]).toContainEqual({ Ref: 'AWS::Region' });
  });
});

describe('deploy-time values the kubeconfig cannot hold safely', () => {
  const UNSAFE = (property: string) => `Invalid ${property} "(a deploy-time value)": CloudFormation pastes it into the kubeconfig unescaped, `
    + 'and a quote or a line break in it would change the YAML\'s structure. '
    + 'Pass a literal value, or the cluster itself (whose endpoint and CA EKS produces in a known shape) [cdk-eks-oidc:unsafeDeployTimeValue]';
  type Value = (stack: Stack) => string;
  const parameter: Value = stack => new CfnParameter(stack, 'Parameter').valueAsString;
  const importValue: Value = () => Fn.importValue('SharedValue');
  const ssmParameter: Value = stack => ssm.StringParameter.valueForStringParameter(stack, '/platform/value');

  const fields: Array<[string, (value: string) => KubeconfigOptions]> = [
    ['contextName', value => ({ contextName: value })],
    ['tokenFile', value => ({ tokenFile: value })],
    ['extraScopes entry', value => ({ extraScopes: ['groups', value] })],
    ['clusterEndpoint', value => ({ clusterEndpoint: value })],
    ['certificateAuthorityData', value => ({ certificateAuthorityData: value })],
  ];
  const values: Array<[string, Value]> = [
    ['a parameter', parameter],
    ['an import', importValue],
    ['an SSM parameter', ssmParameter],
    ['literal text and a parameter', stack => `prod-${parameter(stack)}`],
    ['a pseudo parameter after a quote', () => `prod"${Aws.REGION}`],
    // An attribute named like a cluster's, of a resource whose values nobody vouches for.
    ['an Endpoint attribute of a custom resource', stack => new CfnResource(stack, 'Custom', { type: 'Custom::Endpoint' }).getAtt('Endpoint').toString()],
  ];
  test.each(fields.flatMap(([property, options]) => values.map(([what, value]) => [property, what, options, value] as const)))(
    '%s: %s is refused', (property, _, options, value) => {
      const stack = newStack();
      const p = connected(stack);
      const unsafe = options(value(stack));
      expect(() => p.kubeconfig(unsafe)).toThrow(new Error(`${UNSAFE(property)}\n  at Stack/Provider`));
      expect(() => p.addKubeconfigOutput('Kubeconfig', unsafe)).toThrow(new Error(`${UNSAFE(property)}\n  at Stack/Provider`));
      expect(p.node.tryFindChild('Kubeconfig')).toBeUndefined();
    });

  test('every one at once', () => {
    const stack = newStack();
    const p = connected(stack);
    expect(errorOf(() => p.kubeconfig({
      contextName: parameter(stack),
      tokenFile: importValue(stack),
      extraScopes: [ssmParameter(stack)],
      clusterEndpoint: Fn.importValue('Endpoint'),
      certificateAuthorityData: Fn.importValue('Ca'),
    }))).toBe(withoutIds(['contextName', 'clusterEndpoint', 'certificateAuthorityData', 'extraScopes entry', 'tokenFile'].map(UNSAFE).join('\n')));
  });

  test('a client ID of the settings that is a parameter', () => {
    const stack = newStack();
    const p = connected(stack, { clientId: parameter(stack) });
    expect(errorOf(() => p.kubeconfig())).toBe(withoutIds(UNSAFE('clientId')));
  });

  test('the same options with literal values are accepted', () => {
    const p = connected(newStack());
    const config = parse(p.kubeconfig({ contextName: 'prod-eu', tokenFile: '/tmp/token', extraScopes: ['groups'], clusterEndpoint: ENDPOINT, certificateAuthorityData: CA }));
    expect(config['current-context']).toBe('prod-eu');
  });
});

describe('imports', () => {
  const settings = (): OidcSettings => ({
    issuer: OidcIssuer.entraId({ tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' }),
    clientId: 'kubernetes',
    groupsPrefix: 'entra:',
  });

  test('an import with settings makes the same kubeconfig as the definition', () => {
    const stack = newStack();
    const cluster = connectedCluster(stack);
    const defined = new OidcIdentityProvider(stack, 'Entra', { cluster, identityProviderConfigName: 'entra', ...settings() });
    const imported = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'Imported', {
      clusterName: 'prod', identityProviderConfigName: 'entra', identityProviderConfigArn: ARN, cluster, settings: settings(),
    });
    for (const options of [{}, { tokenFile: '/tmp/token', contextName: 'ci' }, { extraScopes: ['groups'] }]) {
      expect(imported.kubeconfig(options)).toBe(defined.kubeconfig(options));
    }
    expect(parse(imported.kubeconfig()).users[0].user.exec.args).toEqual(['oidc-login', 'get-token',
      '--oidc-issuer-url=https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0', '--oidc-client-id=kubernetes', '--oidc-extra-scope=profile']);
  });

  test('an import with settings, without a cluster: the endpoint and CA given to kubeconfig()', () => {
    const stack = newStack();
    const imported = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'Imported', {
      clusterName: 'prod', identityProviderConfigName: 'entra', identityProviderConfigArn: ARN, settings: settings(),
    });
    expect(parse(imported.kubeconfig({ clusterEndpoint: ENDPOINT, certificateAuthorityData: CA })).clusters)
      .toEqual([{ name: 'prod-entra', cluster: { 'server': ENDPOINT, 'certificate-authority-data': CA } }]);
  });
});

describe('errors', () => {
  test('an import without endpoint or CA: both options to pass, at once', () => {
    const stack = newStack();
    const p = provider(stack);
    const endpoint = 'Invalid clusterEndpoint (missing): the cluster does not know it (an import without it, or no cluster). '
      + 'Pass clusterEndpoint to kubeconfig(), or import the cluster with clusterEndpoint';
    const ca = 'Invalid certificateAuthorityData (missing): the cluster does not know it (an import without it, or no cluster). '
      + 'Pass certificateAuthorityData to kubeconfig(), or import the cluster with clusterCertificateAuthorityData';
    expect(() => p.kubeconfig()).toThrow(new Error(`${endpoint} [cdk-eks-oidc:invalidClusterEndpoint]\n${ca} [cdk-eks-oidc:invalidCertificateAuthorityData]\n  at Stack/Provider`));
    expect(errorOf(() => p.kubeconfig({ clusterEndpoint: ENDPOINT }))).toBe(ca);
    expect(errorOf(() => p.kubeconfig({ certificateAuthorityData: CA }))).toBe(endpoint);
    expect(errorOf(() => p.kubeconfig({ clusterEndpoint: ENDPOINT, certificateAuthorityData: CA }))).toBeUndefined();
  });

  test('an import by name alone cannot render a kubeconfig', () => {
    const stack = newStack();
    const bare = OidcIdentityProvider.fromIdentityProviderConfigArn(stack, 'Bare', ARN);
    const options = { clusterEndpoint: ENDPOINT, certificateAuthorityData: CA };
    const message = 'The provider was imported by name alone, so it cannot render a kubeconfig. Import it with fromOidcIdentityProviderAttributes() '
      + 'and settings: the issuer, clientId, claims and prefixes it was defined with';
    expect(() => bare.kubeconfig(options)).toThrow(new Error(`${message} [cdk-eks-oidc:importWithoutSettings]\n  at Stack/Bare`));
    expect(errorOf(() => bare.addKubeconfigOutput('Kubeconfig', options))).toBe(message);
    const withSettings = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'Okta', {
      clusterName: 'prod',
      identityProviderConfigName: 'okta',
      identityProviderConfigArn: ARN,
      settings: { issuer: OidcIssuer.fromUrl(ISSUER), clientId: 'kubernetes' },
    });
    expect(parse(withSettings.kubeconfig(options))['current-context']).toBe('prod-okta');
  });
});

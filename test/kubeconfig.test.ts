import { Aws, CfnParameter, CfnResource, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import {
  KubeconfigLogin, KubeconfigOptions, KubeloginGrantType, KubeloginPkceMethod, KubeloginTokenCacheStorage, OidcIdentityProvider,
  OidcIdentityProviderProps, OidcIssuer, OidcSettings,
} from '../src';
import { errorOf, ISSUER, newStack, provider, withoutIds } from './util';
import { GITHUB_ACTIONS_TOKEN_SCRIPT } from '../src/private/github-actions-token-script';

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
    const config = parse(p.kubeconfig({ login: KubeconfigLogin.tokenFile('/tmp/token'), contextName: 'ci' }));
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
    expect(args.slice(4).filter(arg => !arg.startsWith('--oidc-pkce-method='))).toEqual(expected.map(scope => `--oidc-extra-scope=${scope}`));
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

const ENTRA = OidcIssuer.entraId({ tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' });
/** The arguments kubelogin is given beyond `oidc-login get-token`, the issuer and the client. */
const kubeloginFlags = (yaml: string): string[] => parse(yaml).users[0].user.exec.args.slice(4);

describe('login: kubelogin, with its options as kubelogin\'s docs spell them (int128/kubelogin docs/usage.md)', () => {
  test('no options: no flags beyond the issuer, the client and the scopes; the same as no login', () => {
    const p = connected(newStack(), { usernameClaim: 'email' });
    expect(kubeloginFlags(p.kubeconfig({ login: KubeconfigLogin.kubelogin() }))).toEqual(['--oidc-extra-scope=email']);
    expect(p.kubeconfig({ login: KubeconfigLogin.kubelogin({}) })).toBe(p.kubeconfig());
  });

  test.each<[string, () => KubeconfigLogin, string[]]>([
    ['token cache in the keyring', () => KubeconfigLogin.kubelogin({ tokenCacheStorage: KubeloginTokenCacheStorage.KEYRING }), ['--token-cache-storage=keyring']],
    ['token cache on disk', () => KubeconfigLogin.kubelogin({ tokenCacheStorage: KubeloginTokenCacheStorage.DISK }), ['--token-cache-storage=disk']],
    ['no token cache', () => KubeconfigLogin.kubelogin({ tokenCacheStorage: KubeloginTokenCacheStorage.NONE }), ['--token-cache-storage=none']],
    ['the authorization code flow', () => KubeconfigLogin.kubelogin({ grantType: KubeloginGrantType.AUTHCODE }), ['--grant-type=authcode']],
    ['the device flow', () => KubeconfigLogin.kubelogin({ grantType: KubeloginGrantType.DEVICE_CODE }), ['--grant-type=device-code']],
    ['the keyboard flow: the out-of-band redirect URI kubelogin v1.33.0 and later need', () => KubeconfigLogin.kubelogin({ grantType: KubeloginGrantType.AUTHCODE_KEYBOARD }),
      ['--grant-type=authcode-keyboard', '--oidc-redirect-url=urn:ietf:wg:oauth:2.0:oob']],
    ['the keyboard flow with a redirect URL', () => KubeconfigLogin.kubelogin({ grantType: KubeloginGrantType.AUTHCODE_KEYBOARD, redirectUrl: 'https://login.example.com/code' }),
      ['--grant-type=authcode-keyboard', '--oidc-redirect-url=https://login.example.com/code']],
    ['listen addresses: one flag each, in order', () => KubeconfigLogin.kubelogin({ listenAddresses: ['127.0.0.1:12345', '[::1]:23456', 'localhost:8000'] }),
      ['--listen-address=127.0.0.1:12345', '--listen-address=[::1]:23456', '--listen-address=localhost:8000']],
    ['an authentication timeout, in seconds', () => KubeconfigLogin.kubelogin({ authenticationTimeout: Duration.minutes(5) }), ['--authentication-timeout-sec=300']],
    ['PKCE S256', () => KubeconfigLogin.kubelogin({ pkceMethod: KubeloginPkceMethod.S256 }), ['--oidc-pkce-method=S256']],
    ['PKCE auto', () => KubeconfigLogin.kubelogin({ pkceMethod: KubeloginPkceMethod.AUTO }), ['--oidc-pkce-method=auto']],
    ['no PKCE', () => KubeconfigLogin.kubelogin({ pkceMethod: KubeloginPkceMethod.NO }), ['--oidc-pkce-method=no']],
    ['every option, in a fixed order after the scopes', () => KubeconfigLogin.kubelogin({
      tokenCacheStorage: KubeloginTokenCacheStorage.KEYRING,
      pkceMethod: KubeloginPkceMethod.S256,
      authenticationTimeout: Duration.seconds(60),
      redirectUrl: 'http://127.0.0.1:8000/',
      listenAddresses: ['127.0.0.1:8000'],
      grantType: KubeloginGrantType.AUTHCODE,
    }), ['--oidc-extra-scope=groups', '--grant-type=authcode', '--listen-address=127.0.0.1:8000', '--oidc-redirect-url=http://127.0.0.1:8000/',
      '--authentication-timeout-sec=60', '--oidc-pkce-method=S256', '--token-cache-storage=keyring']],
  ])('%s', (_, login, flags) => {
    const p = connected(newStack());
    const extraScopes = flags[0] === '--oidc-extra-scope=groups' ? ['groups'] : undefined;
    const entry = parse(p.kubeconfig({ login: login(), extraScopes })).users[0].user.exec;
    expect(entry.args).toEqual(['oidc-login', 'get-token', `--oidc-issuer-url=${ISSUER}`, '--oidc-client-id=kubernetes', ...flags]);
    // The keyboard flow reads the code from stdin, which kubectl passes only when interactiveMode allows.
    expect(entry.interactiveMode).toBe(flags.includes('--grant-type=authcode-keyboard') ? 'IfAvailable' : 'Never');
  });

  test('values YAML would read otherwise are quoted', () => {
    const yaml = connected(newStack()).kubeconfig({ login: KubeconfigLogin.kubelogin({ redirectUrl: 'http://x/#"a": \\b - c' }) });
    expect(kubeloginFlags(yaml)).toEqual(['--oidc-redirect-url=http://x/#"a": \\b - c']);
  });

  describe('Entra ID: PKCE S256 by default (Entra supports it without publishing code_challenge_methods_supported, int128/kubelogin#858)', () => {
    test('the preset, and fromUrl() with the same URL', () => {
      for (const issuer of [ENTRA, OidcIssuer.fromUrl('https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0', { kubeconfigScopes: ['profile'] })]) {
        const p = connected(newStack(), { issuer });
        expect(kubeloginFlags(p.kubeconfig())).toEqual(['--oidc-extra-scope=profile', '--oidc-pkce-method=S256']);
        expect(kubeloginFlags(p.kubeconfig({ login: KubeconfigLogin.kubelogin({ tokenCacheStorage: KubeloginTokenCacheStorage.KEYRING }) })))
          .toEqual(['--oidc-extra-scope=profile', '--oidc-pkce-method=S256', '--token-cache-storage=keyring']);
      }
    });

    test.each([KubeloginPkceMethod.AUTO, KubeloginPkceMethod.NO, KubeloginPkceMethod.S256])('an explicit pkceMethod wins: %s', (pkceMethod) => {
      const p = connected(newStack(), { issuer: ENTRA });
      expect(kubeloginFlags(p.kubeconfig({ login: KubeconfigLogin.kubelogin({ pkceMethod }) }))).toEqual(['--oidc-extra-scope=profile', `--oidc-pkce-method=${pkceMethod}`]);
    });

    test('other issuers: kubelogin\'s own default', () => {
      for (const issuer of [OidcIssuer.okta({ domain: 'example.okta.com' }), OidcIssuer.fromUrl('https://login.microsoftonline.com.example.com/x'),
        OidcIssuer.keycloak({ url: 'https://keycloak.example.com', realm: 'login.microsoftonline.com' })]) {
        expect(connected(newStack(), { issuer }).kubeconfig()).not.toContain('--oidc-pkce-method');
      }
    });

    test('an import with settings carries it too', () => {
      const stack = newStack();
      const imported = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'Imported', {
        clusterName: 'prod', identityProviderConfigName: 'entra', identityProviderConfigArn: ARN, settings: { issuer: ENTRA, clientId: 'kubernetes' },
      });
      expect(kubeloginFlags(imported.kubeconfig({ clusterEndpoint: ENDPOINT, certificateAuthorityData: CA }))).toContain('--oidc-pkce-method=S256');
    });
  });

  describe('validation', () => {
    test.each<[string, () => unknown, string]>([
      ['no listen address', () => KubeconfigLogin.kubelogin({ listenAddresses: [] }),
        'Invalid listenAddresses []: kubelogin needs an address to bind to. Give at least one, or leave the option out for kubelogin\'s defaults'],
      ...['8000', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:65536', 'http://127.0.0.1:8000', '127.0.0.1:8000/', ' 127.0.0.1:8000', '::1:8000'].map(address =>
        [`the listen address ${JSON.stringify(address)}`, () => KubeconfigLogin.kubelogin({ listenAddresses: ['127.0.0.1:8000', address] }),
          `Invalid listenAddresses entry ${JSON.stringify(address)}: it must be <host>:<port> with a port from 1 to 65535, which becomes the redirect URI `
          + 'http://localhost:<port> registered with the identity provider. Give e.g. "127.0.0.1:8000"'] as [string, () => unknown, string]),
      ['an authentication timeout of a fraction of a second', () => KubeconfigLogin.kubelogin({ authenticationTimeout: Duration.millis(1500) }),
        'Invalid authenticationTimeout "1 second 500 millis": kubelogin takes whole seconds, at least 1. Give e.g. Duration.minutes(5)'],
      ['an authentication timeout of 0', () => KubeconfigLogin.kubelogin({ authenticationTimeout: Duration.seconds(0) }),
        'Invalid authenticationTimeout "0 seconds": kubelogin takes whole seconds, at least 1. Give e.g. Duration.minutes(5)'],
      ['an empty redirect URL', () => KubeconfigLogin.kubelogin({ redirectUrl: '' }),
        'Invalid redirectUrl "": it must not be empty. Give the redirect URI registered with the identity provider, e.g. "http://localhost:8000"'],
      ['listen addresses with the device flow', () => KubeconfigLogin.kubelogin({ grantType: KubeloginGrantType.DEVICE_CODE, listenAddresses: ['127.0.0.1:8000'] }),
        'Invalid listenAddresses ["127.0.0.1:8000"]: kubelogin uses it only for the authorization code flow in the browser, not the grant type device-code. '
        + 'Leave listenAddresses out, or choose another grantType'],
      ['everything the device flow ignores, at once', () => KubeconfigLogin.kubelogin({
        grantType: KubeloginGrantType.DEVICE_CODE, listenAddresses: ['127.0.0.1:8000'], authenticationTimeout: Duration.minutes(1), redirectUrl: 'http://localhost:8000',
      }), [
        'Invalid listenAddresses ["127.0.0.1:8000"]: kubelogin uses it only for the authorization code flow in the browser, not the grant type device-code. '
          + 'Leave listenAddresses out, or choose another grantType',
        'Invalid authenticationTimeout "1 minute": kubelogin uses it only for the authorization code flow in the browser, not the grant type device-code. '
          + 'Leave authenticationTimeout out, or choose another grantType',
        'Invalid redirectUrl "http://localhost:8000": kubelogin uses it only for the authorization code flows, not the grant type device-code. '
          + 'Leave redirectUrl out, or choose another grantType',
      ].join('\n')],
      ['an authentication timeout with the keyboard flow', () => KubeconfigLogin.kubelogin({ grantType: KubeloginGrantType.AUTHCODE_KEYBOARD, authenticationTimeout: Duration.minutes(1) }),
        'Invalid authenticationTimeout "1 minute": kubelogin uses it only for the authorization code flow in the browser, not the grant type authcode-keyboard. '
        + 'Leave authenticationTimeout out, or choose another grantType'],
      ['an empty token file path', () => KubeconfigLogin.tokenFile(''),
        'Invalid tokenFile "": it must not be empty. Give the path of the file the job writes its identity token to, e.g. "/tmp/eks-token"'],
      ['a token file path with a line break', () => KubeconfigLogin.tokenFile('/tmp/token\n'),
        'Invalid tokenFile "/tmp/token\\n": it starts or ends with whitespace, which no token value carries. Remove the surrounding whitespace'],
      ['a JavaScript caller\'s grant type that is no KubeloginGrantType', () => KubeconfigLogin.kubelogin({ grantType: 'device' as KubeloginGrantType }),
        'Invalid grantType "device": expected a KubeloginGrantType (KubeloginGrantType.AUTHCODE, KubeloginGrantType.AUTHCODE_KEYBOARD, KubeloginGrantType.DEVICE_CODE), '
        + 'received a string. Pass KubeloginGrantType.AUTHCODE, KubeloginGrantType.AUTHCODE_KEYBOARD or KubeloginGrantType.DEVICE_CODE'],
    ])('%s is refused', (_, make, message) => {
      expect(errorOf(make)).toBe(message);
    });

    test.each<[string, () => unknown]>([
      ['the boundary listen addresses', () => KubeconfigLogin.kubelogin({ listenAddresses: ['127.0.0.1:1', 'localhost:65535', '[::1]:8000', '0.0.0.0:8000'] })],
      ['a timeout of one second', () => KubeconfigLogin.kubelogin({ authenticationTimeout: Duration.millis(1000) })],
      ['the device flow with PKCE and a token cache', () => KubeconfigLogin.kubelogin({
        grantType: KubeloginGrantType.DEVICE_CODE, pkceMethod: KubeloginPkceMethod.S256, tokenCacheStorage: KubeloginTokenCacheStorage.KEYRING,
      })],
      ['the keyboard flow with a redirect URL', () => KubeconfigLogin.kubelogin({ grantType: KubeloginGrantType.AUTHCODE_KEYBOARD, redirectUrl: 'http://localhost' })],
      ['deploy-time values (judged when the kubeconfig is rendered)', () => KubeconfigLogin.kubelogin({
        listenAddresses: [Aws.REGION], redirectUrl: Aws.REGION, authenticationTimeout: Duration.seconds(Token.asNumber(Aws.ACCOUNT_ID)),
      })],
    ])('%s is accepted', (_, make) => {
      expect(errorOf(make)).toBeUndefined();
    });

    test('options are copied: changing the list given later changes nothing', () => {
      const listenAddresses = ['127.0.0.1:8000'];
      const login = KubeconfigLogin.kubelogin({ listenAddresses });
      listenAddresses.push('not an address');
      expect(kubeloginFlags(connected(newStack()).kubeconfig({ login }))).toEqual(['--listen-address=127.0.0.1:8000']);
    });

    test.each<[string, KubeconfigLogin]>([
      ['with a token file', KubeconfigLogin.tokenFile('/tmp/token')],
      ['with the GitHub Actions runner\'s tokens', KubeconfigLogin.gitHubActions()],
    ])('extra scopes with a login %s are refused: only kubelogin requests scopes', (how, login) => {
      const p = connected(newStack());
      expect(() => p.kubeconfig({ login, extraScopes: ['groups'] })).toThrow(new Error('Invalid extraScopes ["groups"]: only kubelogin requests scopes, '
        + `and this kubeconfig logs in ${how}. Leave extraScopes out, or log in with KubeconfigLogin.kubelogin() [cdk-eks-oidc:invalidExtraScopes]\n  at Stack/Provider`));
    });

    test('a JavaScript caller\'s login that is no KubeconfigLogin', () => {
      const p = connected(newStack());
      for (const login of ['/tmp/token', { tokenFile: '/tmp/token' }]) {
        expect(() => p.kubeconfig({ login: login as any })).toThrow(new Error(`Invalid login ${typeof login === 'string' ? '"/tmp/token"' : '"(an object)"'}: `
          + 'expected a KubeconfigLogin. Pass KubeconfigLogin.kubelogin(), KubeconfigLogin.tokenFile(path) or KubeconfigLogin.gitHubActions() '
          + '[cdk-eks-oidc:wrongType]\n  at Stack/Provider'));
      }
    });
  });
});

describe('login: GitHub Actions, a fresh token from the runner each time kubectl needs one', () => {
  test('an exec entry that runs the constant script with node, the client ID as the audience in its environment', () => {
    const p = connected(newStack(), { clientId: 'prod-client-"x"' });
    const config = parse(p.kubeconfig({ login: KubeconfigLogin.gitHubActions(), contextName: 'ci' }));
    expect(config.users).toEqual([{
      name: 'ci',
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: 'node',
          args: ['-e', GITHUB_ACTIONS_TOKEN_SCRIPT],
          env: [{ name: 'CDK_EKS_OIDC_AUDIENCE', value: 'prod-client-"x"' }],
          interactiveMode: 'Never',
        },
      },
    }]);
    // No value of the provider is in the script: it is the same for every provider.
    expect(GITHUB_ACTIONS_TOKEN_SCRIPT).not.toContain('prod-client');
    expect(config.clusters).toEqual([{ name: 'ci', cluster: { 'server': ENDPOINT, 'certificate-authority-data': CA } }]);
  });

  test('no issuer, scopes or PKCE: the runner\'s token is sent as it is', () => {
    const yaml = connected(newStack(), { issuer: ENTRA }).kubeconfig({ login: KubeconfigLogin.gitHubActions() });
    expect(yaml).not.toMatch(/oidc-login|oidc-issuer-url|pkce|extra-scope/);
  });
});

describe('the output\'s description says how to use each login, within 1024 bytes', () => {
  const INTRO = 'kubeconfig for OIDC login to EKS with the identity provider Stack/Provider: save it to a file and run kubectl --kubeconfig <file> auth whoami';
  test.each<[string, KubeconfigLogin | undefined, string]>([
    ['kubelogin, by default', undefined,
      '(needs kubelogin (kubectl oidc-login) installed; register the redirect URIs http://localhost:8000 and http://localhost:18000 with the identity provider)'],
    ['kubelogin with listen addresses', KubeconfigLogin.kubelogin({ listenAddresses: ['127.0.0.1:12345', '[::1]:12345', '127.0.0.1:23456', '127.0.0.1:34567'] }),
      '(needs kubelogin (kubectl oidc-login) installed; register the redirect URIs http://localhost:12345, http://localhost:23456 and http://localhost:34567 '
      + 'with the identity provider)'],
    ['kubelogin with one listen address', KubeconfigLogin.kubelogin({ listenAddresses: ['127.0.0.1:12345'] }),
      '(needs kubelogin (kubectl oidc-login) installed; register the redirect URI http://localhost:12345 with the identity provider)'],
    ['kubelogin with a redirect URL', KubeconfigLogin.kubelogin({ redirectUrl: 'http://127.0.0.1:8000/' }),
      '(needs kubelogin v1.33.0 or later (kubectl oidc-login) installed; register the redirect URI http://127.0.0.1:8000/ with the identity provider)'],
    ['kubelogin with the keyboard flow', KubeconfigLogin.kubelogin({ grantType: KubeloginGrantType.AUTHCODE_KEYBOARD }),
      '(needs kubelogin v1.33.0 or later (kubectl oidc-login) installed; register the redirect URI urn:ietf:wg:oauth:2.0:oob with the identity provider)'],
    ['kubelogin with the device flow', KubeconfigLogin.kubelogin({ grantType: KubeloginGrantType.DEVICE_CODE }),
      '(needs kubelogin (kubectl oidc-login) installed; enable the device authorization grant for the client)'],
    ['kubelogin with a deploy-time listen address', KubeconfigLogin.kubelogin({ listenAddresses: [`127.0.0.1:${Aws.ACCOUNT_ID}`] }),
      '(needs kubelogin (kubectl oidc-login) installed; register kubelogin\'s redirect URIs with the identity provider)'],
    ['a token file', KubeconfigLogin.tokenFile('/tmp/eks-token'),
      '(the job first writes its identity token (e.g. a GitLab CI id_tokens token) to /tmp/eks-token; kubectl sends it as it is)'],
    ['GitHub Actions', KubeconfigLogin.gitHubActions(),
      '(in a GitHub Actions job with permissions: id-token: write and Node.js 18 or later: kubectl runs node, which asks the runner for a fresh token '
      + 'each time kubectl needs one)'],
  ])('%s', (_, login, how) => {
    const stack = newStack();
    const output = connected(stack).addKubeconfigOutput('Kubeconfig', { login });
    const text = Template.fromStack(stack).toJSON().Outputs[stack.resolve(output.logicalId)].Description;
    expect(text).toBe(`${INTRO} ${how}`);
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(1024);
  });

  test('too many redirect URIs to name: the short form', () => {
    const stack = newStack();
    const listenAddresses = Array.from({ length: 100 }, (_, i) => `127.0.0.1:${10000 + i}`);
    const output = connected(stack).addKubeconfigOutput('Kubeconfig', { login: KubeconfigLogin.kubelogin({ listenAddresses }) });
    expect(Template.fromStack(stack).toJSON().Outputs[stack.resolve(output.logicalId)].Description)
      .toBe(`${INTRO} (needs kubelogin (kubectl oidc-login) installed; register kubelogin's redirect URIs with the identity provider)`);
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
      + 'save it to a file and run kubectl --kubeconfig <file> auth whoami (needs kubelogin (kubectl oidc-login) installed; '
      + 'register the redirect URIs http://localhost:8000 and http://localhost:18000 with the identity provider)');

    // Put the deploy-time values in, and the YAML reads as the literal one does.
    const resolved = parts.map(part => (typeof part === 'string' ? part
      : JSON.stringify(part) === JSON.stringify({ Ref: clusterId }) ? 'prod' : (part as any)['Fn::GetAtt'][1] === 'Endpoint' ? ENDPOINT : CA)).join('');
    expect(parse(resolved).clusters).toEqual([{ name: 'prod-okta', cluster: { 'server': ENDPOINT, 'certificate-authority-data': CA } }]);
  });

  test('an output\'s description is a literal, even with a token file that is a deploy-time value', () => {
    const stack = newStack();
    const ci = connected(stack).addKubeconfigOutput('Ci', { login: KubeconfigLogin.tokenFile(`/tmp/${Aws.REGION}-token`) });
    expect(Template.fromStack(stack).toJSON().Outputs[stack.resolve(ci.logicalId)].Description).toBe('kubeconfig for OIDC login to EKS with the '
      + 'identity provider Stack/Provider: save it to a file and run kubectl --kubeconfig <file> auth whoami (the job first writes its identity token '
      + '(e.g. a GitLab CI id_tokens token) to its token file; kubectl sends it as it is)');
  });

  describe('an output\'s description stays within CloudFormation\'s 1024 bytes', () => {
    const description = (stack: Stack, output: { logicalId: string }) =>
      Template.fromStack(stack).toJSON().Outputs[stack.resolve(output.logicalId)].Description;
    const TOKEN_FILE = 'save it to a file and run kubectl --kubeconfig <file> auth whoami (the job first writes its identity token '
      + '(e.g. a GitLab CI id_tokens token) to ';
    const SENT = '; kubectl sends it as it is)';

    test.each([
      ['a 2000-character token file', '/var/run/' + 'x'.repeat(2000)],
      ['a token file of 400 three-byte characters', '/var/run/' + '\u20ac'.repeat(400)],
    ])('%s: named as "its token file"', (_, tokenFile) => {
      const stack = newStack();
      const p = connected(stack);
      const text = description(stack, p.addKubeconfigOutput('Ci', { login: KubeconfigLogin.tokenFile(tokenFile) }));
      expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(1024);
      expect(text).toBe(`kubeconfig for OIDC login to EKS with the identity provider Stack/Provider: ${TOKEN_FILE}its token file${SENT}`);
      // The kubeconfig itself keeps the whole path.
      expect(parse(p.kubeconfig({ login: KubeconfigLogin.tokenFile(tokenFile) })).users[0].user.tokenFile).toBe(tokenFile);
    });

    test('a token file that fits is named', () => {
      const stack = newStack();
      const tokenFile = '/var/run/' + 'x'.repeat(700);
      const text = description(stack, connected(stack).addKubeconfigOutput('Ci', { login: KubeconfigLogin.tokenFile(tokenFile) }));
      expect(text).toBe(`kubeconfig for OIDC login to EKS with the identity provider Stack/Provider: ${TOKEN_FILE}${tokenFile}${SENT}`);
      expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(1024);
    });

    test('a provider with a very long construct path', () => {
      const stack = newStack();
      let scope: Construct = stack;
      for (let i = 0; i < 8; i++) scope = new Construct(scope, `${'Deep'.repeat(50)}${i}`);
      const p = new OidcIdentityProvider(scope, 'Provider', { cluster: connectedCluster(stack), issuer: OidcIssuer.fromUrl(ISSUER), clientId: 'kubernetes' });
      p.addKubeconfigOutput('People');
      p.addKubeconfigOutput('Ci', { login: KubeconfigLogin.tokenFile('/tmp/token') });
      p.addKubeconfigOutput('GitHub', { login: KubeconfigLogin.gitHubActions() });
      p.addKubeconfigOutput('Headless', { login: KubeconfigLogin.kubelogin({ listenAddresses: Array.from({ length: 100 }, (_, i) => `127.0.0.1:${8000 + i}`) }) });
      const outputs = Object.values<{ Description: string }>(Template.fromStack(stack).toJSON().Outputs);
      expect(outputs).toHaveLength(4);
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
    const yaml = connected(stack).kubeconfig({ contextName: `prod-${Aws.REGION}`, login: KubeconfigLogin.tokenFile(`/tmp/${Aws.ACCOUNT_ID}/token`) });
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
    ['tokenFile', value => ({ login: KubeconfigLogin.tokenFile(value) })],
    ['extraScopes entry', value => ({ extraScopes: ['groups', value] })],
    ['listenAddresses entry', value => ({ login: KubeconfigLogin.kubelogin({ listenAddresses: ['127.0.0.1:8000', value] }) })],
    ['redirectUrl', value => ({ login: KubeconfigLogin.kubelogin({ redirectUrl: value }) })],
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
      login: KubeconfigLogin.kubelogin({ listenAddresses: [importValue(stack)], authenticationTimeout: Duration.seconds(Token.asNumber(Fn.importValue('Timeout'))) }),
      extraScopes: [ssmParameter(stack)],
      clusterEndpoint: Fn.importValue('Endpoint'),
      certificateAuthorityData: Fn.importValue('Ca'),
    }))).toBe(withoutIds(['contextName', 'clusterEndpoint', 'certificateAuthorityData', 'extraScopes entry', 'listenAddresses entry', 'authenticationTimeout']
      .map(UNSAFE).join('\n')));
    const other = newStack();
    expect(errorOf(() => connected(other).kubeconfig({ contextName: parameter(other), login: KubeconfigLogin.tokenFile(importValue(other)) })))
      .toBe(withoutIds(['contextName', 'tokenFile'].map(UNSAFE).join('\n')));
  });

  test('a client ID that is a parameter: refused where the kubeconfig holds it (kubelogin, GitHub Actions), not with a token file', () => {
    const stack = newStack();
    const p = connected(stack, { clientId: parameter(stack) });
    expect(errorOf(() => p.kubeconfig({ login: KubeconfigLogin.gitHubActions() }))).toBe(withoutIds(UNSAFE('clientId')));
    expect(errorOf(() => p.kubeconfig({ login: KubeconfigLogin.tokenFile('/tmp/token') }))).toBeUndefined();
  });

  test('a client ID of the settings that is a parameter', () => {
    const stack = newStack();
    const p = connected(stack, { clientId: parameter(stack) });
    expect(errorOf(() => p.kubeconfig())).toBe(withoutIds(UNSAFE('clientId')));
  });

  test('the same options with literal values are accepted', () => {
    const p = connected(newStack());
    const config = parse(p.kubeconfig({ contextName: 'prod-eu', login: KubeconfigLogin.kubelogin({ listenAddresses: ['127.0.0.1:8000'] }), extraScopes: ['groups'], clusterEndpoint: ENDPOINT, certificateAuthorityData: CA }));
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
    for (const options of [{}, { login: KubeconfigLogin.tokenFile('/tmp/token'), contextName: 'ci' }, { extraScopes: ['groups'] }, { login: KubeconfigLogin.gitHubActions() }]) {
      expect(imported.kubeconfig(options)).toBe(defined.kubeconfig(options));
    }
    expect(parse(imported.kubeconfig()).users[0].user.exec.args).toEqual(['oidc-login', 'get-token',
      '--oidc-issuer-url=https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0', '--oidc-client-id=kubernetes', '--oidc-extra-scope=profile',
      '--oidc-pkce-method=S256']);
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

import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { KubeconfigOptions } from '../kubeconfig';
import { KubeconfigLogin, KubeloginGrantType, KubeloginOptions } from '../kubeconfig-login';
import { clusterConnection } from './cluster-connection';
import { check, invalid, Problem } from './errors';
import { AUDIENCE_VARIABLE, GITHUB_ACTIONS_TOKEN_SCRIPT } from './github-actions-token-script';
import { typeProblems } from './js-types';
import { KubeloginFlag, kubeloginFlags, redirectUris } from './kubelogin-args';
import { ResolvedOidc } from './resolved-oidc';

/** What a provider gives its kubeconfig. */
export interface KubeconfigHost extends IConstruct {
  readonly clusterName: string;
  readonly identityProviderConfigName: string;
  readonly cluster?: import('aws-cdk-lib/aws-eks').IClusterRef;
}

/** Everything a kubeconfig says, resolved from the provider and the options. */
interface KubeconfigSettings {
  readonly contextName: string;
  readonly clusterEndpoint: string;
  readonly certificateAuthorityData: string;
  readonly issuerUrl: string;
  readonly clientId: string;
  readonly extraScopes: string[];
  readonly login: Login;
}

/** How the user entry logs in, resolved. */
type Login =
  | { readonly kind: 'kubelogin'; readonly flags: KubeloginFlag[]; readonly interactiveMode: 'Never' | 'IfAvailable' }
  | { readonly kind: 'tokenFile'; readonly path: string }
  | { readonly kind: 'gitHubActions' };

/** CloudFormation's limit for an output's description. */
const MAX_DESCRIPTION_BYTES = 1024;

/** The kubeconfig of a provider: its settings, its cluster's connection, and the options. */
export function kubeconfigOf(host: KubeconfigHost, oidc: ResolvedOidc, options: KubeconfigOptions): string {
  if (typeof options !== 'object' || options === null) {
    check([invalid('options', options, 'expected an object of options', 'Pass the options as an object', 'wrongType')], host);
  }
  check([
    ...typeProblems({
      clusterEndpoint: [options?.clusterEndpoint, 'string?'],
      certificateAuthorityData: [options?.certificateAuthorityData, 'string?'],
      extraScopes: [options?.extraScopes, 'string list?'],
      contextName: [options?.contextName, 'string?'],
    }),
    ...loginTypeProblems(options?.login),
  ], host);
  const connection = clusterConnection(host.cluster);
  const login = options.login ?? KubeconfigLogin.kubelogin();
  const settings: KubeconfigSettings = {
    contextName: options.contextName ?? `${host.clusterName}-${host.identityProviderConfigName}`,
    clusterEndpoint: options.clusterEndpoint ?? connection.endpoint!,
    certificateAuthorityData: options.certificateAuthorityData ?? connection.certificateAuthorityData!,
    issuerUrl: oidc.issuerUrl,
    clientId: oidc.clientId,
    extraScopes: login._kind === 'kubelogin' ? [...new Set(options.extraScopes ?? oidc.kubeconfigScopes)] : [],
    login: loginOf(login, oidc),
  };
  const problems: Problem[] = [];
  for (const [option, value, attribute] of [
    ['clusterEndpoint', settings.clusterEndpoint, 'clusterEndpoint'],
    ['certificateAuthorityData', settings.certificateAuthorityData, 'clusterCertificateAuthorityData'],
  ] as const) {
    if (value === undefined) {
      problems.push(invalid(option, value, 'the cluster does not know it (an import without it, or no cluster)',
        `Pass ${option} to kubeconfig(), or import the cluster with ${attribute}`));
    }
  }
  if (options.extraScopes !== undefined && login._kind !== 'kubelogin') {
    problems.push(invalid('extraScopes', options.extraScopes, `only kubelogin requests scopes, and this kubeconfig logs in ${LOGIN_NAMES[login._kind]}`,
      'Leave extraScopes out, or log in with KubeconfigLogin.kubelogin()'));
  }
  check(problems, host);
  check(structureProblems(host, settings), host);
  return renderKubeconfig(settings);
}

/** How each login is named in messages. */
const LOGIN_NAMES = { kubelogin: 'through kubelogin', tokenFile: 'with a token file', gitHubActions: 'with the GitHub Actions runner\'s tokens' };

/** A JavaScript caller's login of the wrong type. */
function loginTypeProblems(login: unknown): Problem[] {
  if (login === undefined || login instanceof KubeconfigLogin) return [];
  return [invalid('login', login instanceof Object ? '(an object)' : login, 'expected a KubeconfigLogin',
    'Pass KubeconfigLogin.kubelogin(), KubeconfigLogin.tokenFile(path) or KubeconfigLogin.gitHubActions()', 'wrongType')];
}

function loginOf(login: KubeconfigLogin, oidc: ResolvedOidc): Login {
  switch (login._kind) {
    case 'kubelogin': return {
      kind: 'kubelogin',
      flags: kubeloginFlags(login._kubelogin!, oidc.kubeloginPkceMethod),
      // The keyboard flow reads the code from stdin, which kubectl gives the plugin only when
      // its interactiveMode allows it (client-go, "client-go credential plugins").
      interactiveMode: login._kubelogin!.grantType === KubeloginGrantType.AUTHCODE_KEYBOARD ? 'IfAvailable' : 'Never',
    };
    case 'tokenFile': return { kind: 'tokenFile', path: login._tokenFile! };
    case 'gitHubActions': return { kind: 'gitHubActions' };
  }
}

/**
 * The description of a kubeconfig output: literal (CloudFormation wants one), within its 1024
 * bytes, saying how to use the kubeconfig (and for kubelogin, which redirect URIs to register).
 */
export function kubeconfigOutputDescription(host: IConstruct, options: KubeconfigOptions): string {
  const login = options.login ?? KubeconfigLogin.kubelogin();
  const describe = (detailed: boolean) => `kubeconfig for OIDC login to EKS with the identity provider ${host.node.path}: `
    + `save it to a file and run kubectl --kubeconfig <file> auth whoami (${howToUse(login, detailed)})`;
  const full = describe(true);
  if (Buffer.byteLength(full, 'utf8') <= MAX_DESCRIPTION_BYTES) return full;
  const short = describe(false);
  return Buffer.byteLength(short, 'utf8') <= MAX_DESCRIPTION_BYTES ? short : short.slice(0, MAX_DESCRIPTION_BYTES / 4);
}

/** What the user of a kubeconfig must do or have; `detailed` names the values of the options (when literal). */
function howToUse(login: KubeconfigLogin, detailed: boolean): string {
  switch (login._kind) {
    case 'kubelogin': return kubeloginUse(login._kubelogin!, detailed);
    case 'tokenFile': {
      const path = detailed && !Token.isUnresolved(login._tokenFile) ? login._tokenFile : 'its token file';
      return `the job first writes its identity token (e.g. a GitLab CI id_tokens token) to ${path}; kubectl sends it as it is`;
    }
    case 'gitHubActions': return 'in a GitHub Actions job with permissions: id-token: write and Node.js 18 or later: kubectl runs node, '
      + 'which asks the runner for a fresh token each time kubectl needs one';
  }
}

function kubeloginUse(options: KubeloginOptions, detailed: boolean): string {
  const keyboard = options.grantType === KubeloginGrantType.AUTHCODE_KEYBOARD;
  const needs = `needs kubelogin${keyboard || options.redirectUrl !== undefined ? ' v1.33.0 or later' : ''} (kubectl oidc-login) installed`;
  if (options.grantType === KubeloginGrantType.DEVICE_CODE) return `${needs}; enable the device authorization grant for the client`;
  const uris = detailed ? redirectUris(options) : undefined;
  const register = uris === undefined ? 'kubelogin\'s redirect URIs'
    : uris.length === 1 ? `the redirect URI ${uris[0]}` : `the redirect URIs ${uris.slice(0, -1).join(', ')} and ${uris[uris.length - 1]}`;
  return `${needs}; register ${register} with the identity provider`;
}

/**
 * Deploy-time values are pasted into the YAML by CloudFormation, which cannot escape them: one
 * that held a `"`, a `\` or a line break would change the document's structure (add an `exec`
 * command, say). So a deploy-time value is accepted only where AWS itself produces it in a known
 * shape (an EKS cluster's endpoint and certificate authority, a Cognito user pool's provider
 * name, pseudo parameters), between literal text that needs no escaping; any other (a parameter,
 * an import, an SSM value) is refused.
 */
function structureProblems(host: KubeconfigHost, settings: KubeconfigSettings): Problem[] {
  const stack = Stack.of(host);
  // The association names the cluster, and EKS refuses a cluster name of other characters than
  // letters, digits, "-" and "_": the kubeconfig is never output for another.
  const clusterName = JSON.stringify(stack.resolve(host.clusterName));
  const values: Array<[string, string]> = [
    ['contextName', settings.contextName], ['clusterEndpoint', settings.clusterEndpoint],
    ['certificateAuthorityData', settings.certificateAuthorityData],
    // What the user entry holds: kubelogin's arguments, the token file, or the audience of GitHub's tokens.
    ...settings.login.kind === 'kubelogin' ? [['issuerUrl', settings.issuerUrl] as [string, string]] : [],
    ...settings.login.kind !== 'tokenFile' ? [['clientId', settings.clientId] as [string, string]] : [],
    ...settings.extraScopes.map(scope => ['extraScopes entry', scope] as [string, string]),
    ...settings.login.kind === 'kubelogin' ? settings.login.flags.map(({ option, flag }) => [option, flag] as [string, string]) : [],
    ...settings.login.kind === 'tokenFile' ? [['tokenFile', settings.login.path] as [string, string]] : [],
  ];
  const typesOf = typesOfLogicalId(host);
  const unsafe = values.filter(([, value]) => Token.isUnresolved(value) && !safeDeployTimeValue(stack.resolve(value), { clusterName, typesOf }));
  return unsafe.map(([option]) =>
    invalid(option, '(a deploy-time value)', 'CloudFormation pastes it into the kubeconfig unescaped, and a quote or a line break in it '
      + 'would change the YAML\'s structure', 'Pass a literal value, or the cluster itself (whose endpoint and CA EKS produces in a known shape)',
    'unsafeDeployTimeValue'));
}

/** Attributes whose values AWS produces without quotes, backslashes or line breaks, by resource type. */
const SAFE_ATTRIBUTES: { [type: string]: string[] } = {
  'AWS::EKS::Cluster': ['Endpoint', 'CertificateAuthorityData'],
  // aws-eks (v1) creates its cluster through a custom resource, which returns EKS's own values.
  'Custom::AWSCDK-EKS-Cluster': ['Endpoint', 'CertificateAuthorityData'],
  'AWS::Cognito::UserPool': ['ProviderName', 'ProviderURL'],
};
const SAFE_PSEUDO_PARAMETERS = new Set(['AWS::Region', 'AWS::URLSuffix', 'AWS::Partition', 'AWS::AccountId']);

/** What a deploy-time value may refer to. */
interface Trusted {
  /** The cluster's name, resolved: EKS refuses names of other characters than letters, digits, "-" and "_". */
  readonly clusterName: string;
  /** The resource types a logical id names in the app (more than one where stacks share an id). */
  readonly typesOf: (logicalId: string) => string[];
}

function safeDeployTimeValue(value: unknown, trusted: Trusted): boolean {
  if (typeof value === 'string') return !/["\\\p{Cc}]/u.test(value);
  if (typeof value !== 'object' || value === null) return false;
  if (JSON.stringify(value) === trusted.clusterName) return true;
  const [[intrinsic, args], ...rest] = Object.entries(value);
  if (rest.length > 0) return false;
  switch (intrinsic) {
    case 'Fn::GetAtt': {
      const types = Array.isArray(args) ? trusted.typesOf(String(args[0])) : [];
      return types.length > 0 && types.every(type => SAFE_ATTRIBUTES[type]?.includes(String(args[1])));
    }
    case 'Ref': return SAFE_PSEUDO_PARAMETERS.has(String(args));
    case 'Fn::Join': return Array.isArray(args) && safeDeployTimeValue(args[0], trusted) && Array.isArray(args[1]) && args[1].every(part => safeDeployTimeValue(part, trusted));
    default: return false;
  }
}

/**
 * The kubeconfig YAML. Every value is a double-quoted scalar written with JSON's escapes, which
 * YAML reads the same way, so no literal value can break the document; deploy-time values are
 * checked above.
 *
 * kubelogin's exec entry is the one its setup guide and `kubectl oidc-login setup` write
 * (int128/kubelogin docs/setup.md; pkg/usecases/setup/setup.md): `command: kubectl`, args
 * `oidc-login get-token --oidc-issuer-url=... --oidc-client-id=...`, `--oidc-extra-scope=` once
 * per scope, then the options' flags (docs/usage.md), exec API `client.authentication.k8s.io/v1`.
 * No client secret is ever written: kubelogin uses PKCE.
 *
 * The GitHub Actions entry runs the constant script of github-actions-token-script.ts with
 * `node -e`, the audience (the client ID) in its environment: no value is put into the script.
 */
function renderKubeconfig(settings: KubeconfigSettings): string {
  const q = (value: string) => JSON.stringify(value);
  const name = q(settings.contextName);
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    `    server: ${q(settings.clusterEndpoint)}`,
    `    certificate-authority-data: ${q(settings.certificateAuthorityData)}`,
    'users:',
    `- name: ${name}`,
    '  user:',
    ...userEntry(settings),
    'contexts:',
    `- name: ${name}`,
    '  context:',
    `    cluster: ${name}`,
    `    user: ${name}`,
    `current-context: ${name}`,
    '',
  ].join('\n');
}

/** The types of the resources of the app that have a logical id, looked up when first needed. */
function typesOfLogicalId(scope: IConstruct): (logicalId: string) => string[] {
  let types: Map<string, string[]> | undefined;
  return logicalId => {
    types ??= scope.node.root.node.findAll().filter(CfnResource.isCfnResource).reduce((map, resource) => {
      const id = Stack.of(resource).resolve(resource.logicalId) as string;
      return map.set(id, [...map.get(id) ?? [], resource.cfnResourceType]);
    }, new Map<string, string[]>());
    return types.get(logicalId) ?? [];
  };
}

/** The `user` of the user entry, indented under it. */
function userEntry(settings: KubeconfigSettings): string[] {
  const q = (value: string) => JSON.stringify(value);
  const exec = (command: string, args: string[], env: Array<[string, string]>, interactiveMode: string) => [
    '    exec:',
    '      apiVersion: client.authentication.k8s.io/v1',
    `      command: ${command}`,
    '      args:',
    ...args.map(arg => `      - ${q(arg)}`),
    ...env.length > 0 ? ['      env:', ...env.flatMap(([variable, value]) => [`      - name: ${variable}`, `        value: ${q(value)}`])] : [],
    `      interactiveMode: ${interactiveMode}`,
  ];
  const { login } = settings;
  switch (login.kind) {
    case 'tokenFile': return [`    tokenFile: ${q(login.path)}`];
    case 'gitHubActions': return exec('node', ['-e', GITHUB_ACTIONS_TOKEN_SCRIPT], [[AUDIENCE_VARIABLE, settings.clientId]], 'Never');
    case 'kubelogin': return exec('kubectl', [
      'oidc-login',
      'get-token',
      `--oidc-issuer-url=${settings.issuerUrl}`,
      `--oidc-client-id=${settings.clientId}`,
      ...settings.extraScopes.map(scope => `--oidc-extra-scope=${scope}`),
      ...login.flags.map(({ flag }) => flag),
    ], [], login.interactiveMode);
  }
}

import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { KubeconfigOptions } from '../kubeconfig';
import { clusterConnection } from './cluster-connection';
import { check, invalid, Problem } from './errors';
import { typeProblems } from './js-types';
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
  readonly tokenFile?: string;
}

/** CloudFormation's limit for an output's description. */
const MAX_DESCRIPTION_BYTES = 1024;

/** The kubeconfig of a provider: its settings, its cluster's connection, and the options. */
export function kubeconfigOf(host: KubeconfigHost, oidc: ResolvedOidc, options: KubeconfigOptions): string {
  if (typeof options !== 'object' || options === null) {
    check([invalid('options', options, 'expected an object of options', 'Pass the options as an object', 'wrongType')], host);
  }
  check(typeProblems({
    clusterEndpoint: [options?.clusterEndpoint, 'string?'],
    certificateAuthorityData: [options?.certificateAuthorityData, 'string?'],
    extraScopes: [options?.extraScopes, 'string list?'],
    tokenFile: [options?.tokenFile, 'string?'],
    contextName: [options?.contextName, 'string?'],
  }), host);
  const connection = clusterConnection(host.cluster);
  const settings: KubeconfigSettings = {
    contextName: options.contextName ?? `${host.clusterName}-${host.identityProviderConfigName}`,
    clusterEndpoint: options.clusterEndpoint ?? connection.endpoint!,
    certificateAuthorityData: options.certificateAuthorityData ?? connection.certificateAuthorityData!,
    issuerUrl: oidc.issuerUrl,
    clientId: oidc.clientId,
    extraScopes: [...new Set(options.extraScopes ?? oidc.kubeconfigScopes)],
    tokenFile: options.tokenFile,
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
  check(problems, host);
  check(structureProblems(host, settings), host);
  return renderKubeconfig(settings);
}

/** The description of a kubeconfig output: literal (CloudFormation wants one), within its 1024 bytes. */
export function kubeconfigOutputDescription(host: IConstruct, options: KubeconfigOptions): string {
  const describe = (tokenFile: string) => `kubeconfig for OIDC login to EKS with the identity provider ${host.node.path}: `
    + `save it to a file and run kubectl --kubeconfig <file> auth whoami (${options.tokenFile === undefined
      ? 'needs kubelogin (kubectl oidc-login) installed' : `kubectl sends the identity token in ${tokenFile}`})`;
  const full = describe(options.tokenFile !== undefined && !Token.isUnresolved(options.tokenFile) ? options.tokenFile : 'its token file');
  return Buffer.byteLength(full, 'utf8') <= MAX_DESCRIPTION_BYTES ? full : describe('its token file').slice(0, MAX_DESCRIPTION_BYTES / 4);
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
    ['certificateAuthorityData', settings.certificateAuthorityData], ['issuerUrl', settings.issuerUrl], ['clientId', settings.clientId],
    ...settings.extraScopes.map(scope => ['extraScopes entry', scope] as [string, string]),
    ...(settings.tokenFile !== undefined ? [['tokenFile', settings.tokenFile] as [string, string]] : []),
  ];
  return values.filter(([, value]) => Token.isUnresolved(value) && !safeDeployTimeValue(stack.resolve(value), { clusterName, typesOf: typesOfLogicalId(host) })).map(([option]) =>
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
 * The exec entry is kubelogin's, as its setup guide and `kubectl oidc-login setup` write it
 * (int128/kubelogin docs/setup.md; pkg/usecases/setup/setup.md): `command: kubectl`, args
 * `oidc-login get-token --oidc-issuer-url=... --oidc-client-id=...`, `--oidc-extra-scope=` once
 * per scope (docs/usage.md), exec API `client.authentication.k8s.io/v1` and
 * `interactiveMode: Never`. kubelogin negotiates PKCE by itself ("Kubelogin automatically uses
 * the PKCE if the provider supports it", docs/usage.md); no client secret is ever written.
 */
function renderKubeconfig(settings: KubeconfigSettings): string {
  const q = (value: string) => JSON.stringify(value);
  const name = q(settings.contextName);
  const user = settings.tokenFile !== undefined
    ? [`    tokenFile: ${q(settings.tokenFile)}`]
    : [
      '    exec:',
      '      apiVersion: client.authentication.k8s.io/v1',
      '      command: kubectl',
      '      args:',
      '      - oidc-login',
      '      - get-token',
      `      - ${q(`--oidc-issuer-url=${settings.issuerUrl}`)}`,
      `      - ${q(`--oidc-client-id=${settings.clientId}`)}`,
      ...settings.extraScopes.map(scope => `      - ${q(`--oidc-extra-scope=${scope}`)}`),
      '      interactiveMode: Never',
    ];
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
    ...user,
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

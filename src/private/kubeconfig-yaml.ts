/** Everything a kubeconfig says, resolved from the provider and the options. */
export interface KubeconfigSettings {
  readonly contextName: string;
  readonly clusterEndpoint: string;
  readonly certificateAuthorityData: string;
  readonly issuerUrl: string;
  readonly clientId: string;
  readonly extraScopes: string[];
  readonly tokenFile?: string;
}

/**
 * The kubeconfig YAML. Every value is a double-quoted scalar written with JSON's escapes, which
 * YAML reads the same way, so no value can break the document; deploy-time values (endpoint, CA,
 * names) are put in as they resolve, and none of them can hold a `"` or `\`.
 *
 * The exec entry is kubelogin's, as its setup guide and `kubectl oidc-login setup` write it
 * (int128/kubelogin docs/setup.md; pkg/usecases/setup/setup.md): `command: kubectl`, args
 * `oidc-login get-token --oidc-issuer-url=... --oidc-client-id=...`, `--oidc-extra-scope=` once
 * per scope (docs/usage.md), exec API `client.authentication.k8s.io/v1` and
 * `interactiveMode: Never`. kubelogin negotiates PKCE by itself ("Kubelogin automatically uses
 * the PKCE if the provider supports it", docs/usage.md); no client secret is ever written.
 */
export function renderKubeconfig(settings: KubeconfigSettings): string {
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

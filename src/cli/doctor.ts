// `cdk-eks-oidc doctor`: checks each identity provider's issuer from the network, before a
// 15-40 minute association finds out. For every AWS::EKS::IdentityProviderConfig of a
// synthesized template with a literal issuer URL: the discovery document, the certificate
// (publicly trusted, as EKS requires), the document's issuer byte for byte, the signing keys as
// kube-apiserver's go-oidc v2 reads them, and the cluster's own service-account issuer.
// What kube-apiserver does is in ../private/jwks.ts (keys) and go-oidc v2.5.0's oidc.go
// (NewProvider: `strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"`, HTTP 200
// only, encoding/json into `providerJSON`, `p.Issuer != issuer` refused).
import { IncomingMessage } from 'http';
import { request, RequestOptions } from 'https';
import { createSecureContext, rootCertificates, SecureContext } from 'tls';
import { providersOf, TemplateProvider } from './template';
import { escapeForTerminal } from '../private/errors';
import { describeKeys, MAX_JWKS_BYTES, quoted, readKeySet, SIGNING_ALGORITHM } from '../private/jwks';

/** What `doctor` checks, and how. */
export interface DoctorOptions {
  /** Only the provider of this logical id, configuration name or construct path. @default - every provider */
  readonly provider?: string;
  /** The template's file, for messages. @default - "the template" */
  readonly templateFile?: string;
  /**
   * PEM text of a CA to read the issuer through when its certificate is not publicly trusted (a
   * private issuer in a test). The certificate check still fails: EKS trusts public CAs only.
   * @default - public roots only
   */
  readonly caFile?: string;
  /** The most one request may take, redirects and body included, in milliseconds. @default 10000 */
  readonly timeoutMs?: number;
}

/** How a check came out. */
export type DoctorVerdict = 'pass' | 'fail' | 'skip';

/** One check of one provider. */
export interface DoctorCheck {
  /** Which check: serviceAccountIssuer, discovery, certificate, issuer, signingAlgorithms, jwksUri or signingKeys. */
  readonly name: string;
  readonly verdict: DoctorVerdict;
  /** What was found (escaped for a terminal). */
  readonly message: string;
  /** What to do about it; empty when the check passes. */
  readonly fix: string;
}

/** One request the doctor made, to show that each was bounded. */
export interface DoctorFetch {
  /** The URL asked for (the last one, after redirects). */
  readonly url: string;
  /** Whether the chain was checked against Node's public roots only, or also the CA file. */
  readonly trust: 'public roots' | 'public roots and the CA file';
  /** The HTTP status of the last response. @default - none came */
  readonly status?: number;
  /** Redirects followed. */
  readonly redirects: number;
  /** Bytes of body read (never more than the cap and one chunk). */
  readonly bytes: number;
  /** How long it took, in milliseconds. */
  readonly ms: number;
  /** Why it failed. @default - it did not */
  readonly error?: string;
}

/** What the doctor found for one provider. */
export interface DoctorReport {
  readonly logicalId: string;
  readonly identityProviderConfigName?: string;
  /** The construct path (aws:cdk:path). */
  readonly path?: string;
  /** The issuer URL, when the template gives it literally. */
  readonly issuerUrl?: string;
  readonly checks: DoctorCheck[];
  /**
   * Whether the CA file was used for a request: it is only tried when a certificate does not
   * validate against the public roots, so EKS will refuse the issuer.
   */
  readonly caFileUsed: boolean;
  readonly fetches: DoctorFetch[];
}

/** An issuer whose keys `fetchJwks` cannot get. */
export class DoctorError extends Error {
  constructor(message: string) {
    super(escapeForTerminal(message));
    this.name = 'DoctorError';
  }
}

const DISCOVERY_PATH = '/.well-known/openid-configuration';
const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 5;
const MAX_BODY_BYTES = MAX_JWKS_BYTES;
const MAX_MESSAGE = 1000;
/** The cluster's own service-account issuer: https://oidc.eks.<region>.amazonaws.com[.cn]/id/<ID>. */
const EKS_SERVICE_ACCOUNT_HOST = /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/i;
/** TLS errors that are about the certificate (Node's codes for OpenSSL's X509_V_ERR_*). */
const CERTIFICATE_ERRORS: { [code: string]: string } = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the chain ends in a self-signed certificate that is not a public root',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is not issued by a publicly trusted CA (or the server does not send its intermediate certificates)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate\'s issuer is not a publicly trusted CA (or the server does not send its intermediate certificates)',
  UNABLE_TO_GET_ISSUER_CERT: 'the certificate\'s issuer cannot be found',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  CERT_UNTRUSTED: 'the certificate is not trusted',
  CERT_REVOKED: 'the certificate is revoked',
  CERT_SIGNATURE_FAILURE: 'the certificate\'s signature is invalid',
  CERT_CHAIN_TOO_LONG: 'the certificate chain is too long',
  INVALID_CA: 'a CA certificate of the chain is invalid',
  INVALID_PURPOSE: 'the certificate is not for TLS servers',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is not for this host name',
  HOSTNAME_MISMATCH: 'the certificate is not for this host name',
};

/**
 * Checks the issuer of each identity provider of a synthesized template (or the one chosen, as
 * `explain` chooses it: template.ts's `providersOf`), from the network, as EKS will when it
 * associates it.
 *
 * @param template the template, parsed (cdk.out/<stack>.template.json)
 * @throws UsageError when the template is none, has no provider, or none of the name chosen
 */
export async function doctor(template: unknown, options: DoctorOptions = {}): Promise<DoctorReport[]> {
  const chosen = providersOf(template, options.templateFile, options.provider);
  // providersOf has checked that Resources, when there are any, are an object.
  const resources: { [logicalId: string]: any } = (template as { Resources?: { [logicalId: string]: any } }).Resources ?? {};
  return Promise.all(chosen.map(provider => checkProvider(provider, resources, options)));
}

/**
 * The JSON Web Key Set of an issuer, as kube-apiserver finds it: the discovery document, its
 * `jwks_uri`, the key set's text. Unlike `doctor`, a certificate that validates only with the CA
 * file is fine here.
 *
 * @throws DoctorError with the reason (escaped for a terminal) when any step fails
 */
export async function fetchJwks(issuerUrl: string, options: Omit<DoctorOptions, 'provider'> = {}): Promise<string> {
  const fetches: DoctorFetch[] = [];
  const discoveryUrl = `${issuerUrl.replace(/\/$/, '')}${DISCOVERY_PATH}`;
  if (!/^https:\/\//i.test(issuerUrl)) throw new DoctorError(`the issuer URL ${shownUrl(issuerUrl)} is not https://`);
  const discovery = await fetchTrusted(discoveryUrl, options, fetches);
  if (discovery.outcome.kind !== 'response') throw new DoctorError(`cannot read ${shownUrl(discoveryUrl)}: ${failureText(discovery.outcome)}`);
  if (discovery.outcome.status !== 200) throw new DoctorError(`${shownUrl(discoveryUrl)} answers HTTP ${discovery.outcome.status}`);
  const document = readDiscovery(discovery.outcome);
  if ('problem' in document) throw new DoctorError(`${shownUrl(discoveryUrl)}: ${document.problem}`);
  if (document.issuer !== issuerUrl) {
    throw new DoctorError(`${shownUrl(discoveryUrl)} names issuer ${shownUrl(document.issuer)}, not ${shownUrl(issuerUrl)}: kube-apiserver refuses every token of this provider`);
  }
  if (!/^https:\/\//i.test(document.jwksUri)) throw new DoctorError(`the jwks_uri ${shownUrl(document.jwksUri)} of ${shownUrl(discoveryUrl)} is not https://`);
  const keys = await fetchTrusted(document.jwksUri, options, fetches);
  if (keys.outcome.kind !== 'response') throw new DoctorError(`cannot read ${shownUrl(document.jwksUri)}: ${failureText(keys.outcome)}`);
  if (keys.outcome.status !== 200) throw new DoctorError(`${shownUrl(document.jwksUri)} answers HTTP ${keys.outcome.status}`);
  return keys.outcome.body;
}

class Checks {
  readonly list: DoctorCheck[] = [];
  add(name: string, verdict: DoctorVerdict, message: string, fix = ''): void {
    this.list.push({ name, verdict, message: cap(message), fix: cap(fix) });
  }
  skipAll(names: string[], why: string): void {
    for (const name of names) this.add(name, 'skip', why);
  }
}

async function checkProvider(provider: TemplateProvider, resources: { [id: string]: any }, options: DoctorOptions): Promise<DoctorReport> {
  const { logicalId, identityProviderConfigName, path } = provider;
  const base = { logicalId, identityProviderConfigName, path };
  const checks = new Checks();
  const fetches: DoctorFetch[] = [];
  const network = ['discovery', 'certificate', 'issuer', 'signingAlgorithms', 'jwksUri', 'signingKeys'];
  const issuerUrl = provider.issuerUrlValue;

  if (typeof issuerUrl !== 'string') {
    const clusterIssuer = serviceAccountIssuerAttribute(issuerUrl, resources);
    if (clusterIssuer !== undefined) {
      checks.add('serviceAccountIssuer', 'fail', `the issuer URL is made of ${clusterIssuer}: the cluster's own service-account issuer, which EKS refuses `
        + '("cannot be same as OpenID Connect (OIDC) issuer URL")', 'Use the issuer of your identity provider (Entra ID, Okta, Keycloak, ...), not the cluster\'s');
    } else if (typeof issuerUrl === 'object' && issuerUrl !== null && !Array.isArray(issuerUrl)) {
      checks.add('serviceAccountIssuer', 'skip', 'the issuer URL is resolved by CloudFormation at deploy time');
    } else {
      // A template of the wrong shape (no Oidc, an IssuerUrl that is a number, ...): explain says the same.
      checks.add('serviceAccountIssuer', 'skip', `the template gives no issuer URL (${provider.notJudged ?? 'Oidc.IssuerUrl is not a string'})`);
    }
    checks.skipAll(network, typeof issuerUrl === 'object' && issuerUrl !== null && !Array.isArray(issuerUrl)
      ? 'the issuer URL is resolved by CloudFormation at deploy time: nothing to fetch' : 'there is no issuer URL to fetch');
    return { ...base, checks: checks.list, caFileUsed: false, fetches };
  }

  if (!checkServiceAccountIssuer(issuerUrl, resources, checks)) {
    checks.skipAll(network, 'EKS refuses this issuer URL whatever it serves: not fetched');
    return { ...base, issuerUrl, checks: checks.list, caFileUsed: false, fetches };
  }
  if (!/^https:\/\//i.test(issuerUrl)) {
    checks.add('discovery', 'fail', `the issuer URL ${shownUrl(issuerUrl)} is not https://, which EKS requires`, 'Use the https:// URL of the issuer');
    checks.skipAll(network.slice(1), 'the issuer URL is not https://');
    return { ...base, issuerUrl, checks: checks.list, caFileUsed: false, fetches };
  }

  // go-oidc NewProvider: one trailing "/" trimmed, then the well-known path.
  const discoveryUrl = `${issuerUrl.replace(/\/$/, '')}${DISCOVERY_PATH}`;
  const discovery = await fetchTrusted(discoveryUrl, options, fetches);
  let caFileUsed = discovery.caFileUsed;
  const outcome = discovery.outcome;
  checkCertificate('certificate', discoveryUrl, discovery, checks);
  if (outcome.kind !== 'response') {
    checks.add('discovery', 'fail', `cannot read ${shownUrl(discoveryUrl)}: ${failureText(outcome)}`, failureFix(outcome));
  } else if (outcome.status !== 200) {
    checks.add('discovery', 'fail', `${shownUrl(discoveryUrl)} answers HTTP ${outcome.status}, expected 200 with the discovery document`,
      issuerUrl.endsWith(DISCOVERY_PATH)
        ? `The issuer URL must not end with ${DISCOVERY_PATH}: remove it`
        : 'Check the issuer URL (the iss of your tokens): the discovery document is served at <issuer>/.well-known/openid-configuration');
  }
  const document = outcome.kind === 'response' && outcome.status === 200 ? readDiscovery(outcome) : undefined;
  if (document !== undefined && 'problem' in document) {
    checks.add('discovery', 'fail', `${shownUrl(discoveryUrl)}: ${document.problem}`, 'Serve the OpenID Connect discovery document as JSON, with string fields');
  }
  if (document === undefined || 'problem' in document) {
    checks.skipAll(['issuer', 'signingAlgorithms', 'jwksUri', 'signingKeys'], 'the discovery document could not be read');
    // the certificate check goes before the discovery check: keep the order of the list
    return { ...base, issuerUrl, checks: ordered(checks.list, network), caFileUsed, fetches };
  }
  checks.add('discovery', 'pass', `read ${shownUrl(discoveryUrl)}${outcome.kind === 'response' ? redirected(outcome) : ''}`);

  // go-oidc oidc.go:140 `p.Issuer != issuer`: byte for byte, trailing "/" and all.
  if (document.issuer === issuerUrl) {
    checks.add('issuer', 'pass', `the discovery document names issuer ${shownUrl(issuerUrl)}, as configured`);
  } else {
    checks.add('issuer', 'fail', `the discovery document names issuer ${shownUrl(document.issuer)}, but the provider is configured with ${shownUrl(issuerUrl)}: `
      + `${difference(issuerUrl, document.issuer)}. kube-apiserver compares them byte for byte and then refuses every token`,
    document.issuer === '' ? 'Fix the identity provider: its discovery document must name its issuer'
      : `Set the issuer URL to ${shownUrl(document.issuer)} (the iss of the tokens is the same), or fix the issuer the identity provider announces`);
  }

  if (document.algorithms === undefined) {
    checks.add('signingAlgorithms', 'skip', 'the discovery document has no id_token_signing_alg_values_supported (kube-apiserver does not read it; tokens must be signed with RS256)');
  } else if (document.algorithms.includes(SIGNING_ALGORITHM)) {
    checks.add('signingAlgorithms', 'pass', `id_token_signing_alg_values_supported includes ${SIGNING_ALGORITHM}`);
  } else {
    checks.add('signingAlgorithms', 'fail', `id_token_signing_alg_values_supported is ${quoted(document.algorithms, 200)}, without ${SIGNING_ALGORITHM}: `
      + 'EKS accepts RS256-signed tokens only (it offers no --oidc-signing-algs)', 'Have the identity provider sign ID tokens with RS256 (an RSA key it publishes)');
  }

  const jwksUri = document.jwksUri;
  if (!/^https:\/\//i.test(jwksUri)) {
    checks.add('jwksUri', 'fail', jwksUri === '' ? 'the discovery document has no jwks_uri' : `the jwks_uri ${shownUrl(jwksUri)} is not https://`,
      'Publish the signing keys at an https:// jwks_uri in the discovery document');
    checks.skipAll(['signingKeys'], 'there is no https:// jwks_uri to read');
    return { ...base, issuerUrl, checks: ordered(checks.list, network), caFileUsed, fetches };
  }
  const keys = await fetchTrusted(jwksUri, options, fetches);
  caFileUsed ||= keys.caFileUsed;
  const keysOutcome = keys.outcome;
  const trust = certificateVerdict(jwksUri, keys);
  if (keysOutcome.kind !== 'response') {
    checks.add('jwksUri', 'fail', `cannot read the jwks_uri ${shownUrl(jwksUri)}: ${failureText(keysOutcome)}`, failureFix(keysOutcome));
  } else if (keysOutcome.status !== 200) {
    checks.add('jwksUri', 'fail', `the jwks_uri ${shownUrl(jwksUri)} answers HTTP ${keysOutcome.status}, expected 200 with the key set`, 'Serve the JSON Web Key Set at the jwks_uri of the discovery document');
  } else if (trust.verdict === 'fail' && hostOf(keys.publicFailureUrl ?? jwksUri) !== hostOf(discovery.publicFailureUrl ?? discoveryUrl)) {
    checks.add('jwksUri', 'fail', `the jwks_uri ${shownUrl(jwksUri)}: ${trust.message}`, trust.fix);
  } else if (trust.verdict === 'fail') {
    checks.add('jwksUri', 'pass', `read ${shownUrl(jwksUri)}${redirected(keysOutcome)} through the CA file: the issuer's host, whose certificate the certificate check judges`);
  } else {
    checks.add('jwksUri', 'pass', `read ${shownUrl(jwksUri)}${redirected(keysOutcome)}`);
  }
  if (keysOutcome.kind !== 'response' || keysOutcome.status !== 200) {
    checks.skipAll(['signingKeys'], 'the key set could not be read');
  } else {
    checkKeys(keysOutcome.body, checks);
  }
  return { ...base, issuerUrl, checks: ordered(checks.list, network), caFileUsed, fetches };
}

function ordered(list: DoctorCheck[], network: string[]): DoctorCheck[] {
  const order = ['serviceAccountIssuer', ...network];
  return [...list].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
}

/**
 * The cluster attribute the issuer is made of, shown (`Fn::GetAtt <cluster>.OpenIdConnectIssuerUrl`,
 * also inside an Fn::Join): the cluster's own service-account issuer. Undefined when it is not.
 */
function serviceAccountIssuerAttribute(value: unknown, resources: { [id: string]: any }, depth = 0): string | undefined {
  if (typeof value !== 'object' || value === null || depth > 10) return undefined;
  const getAtt = (value as any)['Fn::GetAtt'];
  const [target, attribute] = Array.isArray(getAtt) ? getAtt : typeof getAtt === 'string' ? getAtt.split('.') : [];
  if (typeof target === 'string' && typeof attribute === 'string' && /^OpenIdConnectIssuer/i.test(attribute)) {
    const type = resources[target]?.Type;
    return `Fn::GetAtt ${quoted(target)}.${quoted(attribute).slice(1, -1)}${typeof type === 'string' ? ` (a ${quoted(type)})` : ''}`;
  }
  for (const child of Object.values(value)) {
    const found = serviceAccountIssuerAttribute(child, resources, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Whether the issuer is not the cluster's own service-account issuer (the check passes). */
function checkServiceAccountIssuer(issuerUrl: string, resources: { [id: string]: any }, checks: Checks): boolean {
  let host = '';
  let pathname = '';
  try {
    ({ hostname: host, pathname } = new URL(issuerUrl));
  } catch {
    // not a URL: the discovery check says so
  }
  const iamProviders = Object.entries(resources)
    .filter(([, r]) => (r?.Type === 'AWS::IAM::OIDCProvider' || r?.Type === 'Custom::AWSCDKOpenIdConnectProvider') && r.Properties?.Url === issuerUrl)
    .map(([id, r]) => `${quoted(id)} (${r.Type})`);
  const registered = iamProviders.length > 0 ? `; the template registers it as an IAM OIDC provider too: ${iamProviders.join(', ')}` : '';
  if (EKS_SERVICE_ACCOUNT_HOST.test(host) && pathname.startsWith('/id/')) {
    checks.add('serviceAccountIssuer', 'fail', `${shownUrl(issuerUrl)} is an EKS cluster's service-account (IRSA) issuer${registered}. EKS refuses it `
      + '("cannot be same as OpenID Connect (OIDC) issuer URL"), and it issues no tokens for people',
    'Use the issuer of your identity provider (Entra ID, Okta, Keycloak, ...): the cluster\'s own issuer already authenticates service accounts');
    return false;
  }
  if (registered) {
    // EKS's service-account issuers are all oidc.eks.<region>.amazonaws.com/id/<ID>: an IAM OIDC
    // provider of another URL is federation for CI (GitHub Actions, GitLab), which may also log in to the cluster.
    checks.add('serviceAccountIssuer', 'pass', `${shownUrl(issuerUrl)} is not an EKS service-account issuer (those are https://oidc.eks.<region>.amazonaws.com/id/<ID>)${registered}, `
      + 'which is fine: CI federation (GitHub Actions, GitLab) often uses the same issuer for IAM and for Kubernetes');
  } else {
    checks.add('serviceAccountIssuer', 'pass', `${shownUrl(issuerUrl)} is not an EKS service-account issuer (those are https://oidc.eks.<region>.amazonaws.com/id/<ID>)`);
  }
  return true;
}

function checkCertificate(name: string, url: string, fetched: Trusted, checks: Checks): void {
  const verdict = certificateVerdict(url, fetched);
  checks.add(name, verdict.verdict, verdict.message, verdict.fix);
}

function certificateVerdict(url: string, fetched: Trusted): { verdict: DoctorVerdict; message: string; fix: string } {
  const failed = fetched.outcome.kind === 'certificate' ? fetched.outcome.url : fetched.publicFailureUrl;
  const host = quoted(hostOf(failed ?? url));
  const fix = 'Serve the issuer with a certificate from a public CA (its whole chain, intermediates included): '
    + 'EKS\'s control plane trusts public CAs only and offers no CA setting';
  if (fetched.publicFailure === undefined) {
    if (fetched.outcome.kind === 'certificate') return { verdict: 'fail', message: `EKS will refuse it: ${fetched.outcome.reason} (${host})`, fix };
    if (!fetched.outcome.tlsVerified) return { verdict: 'skip', message: `no TLS connection to ${host} was made: ${failureText(fetched.outcome)}`, fix: '' };
    return { verdict: 'pass', message: `the certificate of ${host} is publicly trusted (Node's public roots, not NODE_EXTRA_CA_CERTS)`, fix: '' };
  }
  if (fetched.caFileUsed && fetched.outcome.kind !== 'certificate') {
    return {
      verdict: 'fail',
      message: `EKS will refuse it: the certificate is not publicly trusted (${host}: ${fetched.publicFailure}); it validates only with the CA file, which was used to read the rest`,
      fix,
    };
  }
  const reason = fetched.outcome.kind === 'certificate' ? fetched.outcome.reason : fetched.publicFailure;
  return { verdict: 'fail', message: `EKS will refuse it: ${reason} (${host})${fetched.caFileUsed ? ', even with the CA file' : ''}`, fix };
}

function checkKeys(body: string, checks: Checks): void {
  const set = readKeySet(body);
  const keys = set.keys.map(k => k.published);
  if (set.problem !== undefined) {
    checks.add('signingKeys', 'fail', set.problem, 'Serve only keys go-jose v2 can read: RSA, EC (P-256/384/521), oct or Ed25519, unpadded base64url, no x5u');
    return;
  }
  // Usable for RS256: an RSA public key Go can verify with, published for signatures (use absent or
  // sig) and RS256 (alg absent or RS256). kube-apiserver itself ignores use and alg.
  const usable = set.keys.filter(k => k.rsa !== undefined && (k.published.use ?? 'sig') === 'sig' && (k.published.alg ?? SIGNING_ALGORITHM) === SIGNING_ALGORITHM);
  const leaked = set.keys.filter(k => k.isPrivate || k.published.kty === 'oct');
  if (leaked.length > 0) {
    checks.add('signingKeys', 'fail', `the key set publishes secret key material: ${describeKeys(leaked.map(k => k.published))}`,
      'Remove it from the key set now and rotate it: anyone can sign tokens with it');
  } else if (usable.length === 0) {
    const unusable = set.keys.filter(k => k.unusable !== undefined).map(k => `${k.published.kid ? quoted(k.published.kid) : 'a key without kid'}: ${k.unusable}`);
    checks.add('signingKeys', 'fail', `the key set holds no RSA key usable for ${SIGNING_ALGORITHM} (kty RSA, use absent or "sig", alg absent or "RS256"); `
      + `it offers ${describeKeys(keys)}${unusable.length > 0 ? `. ${unusable.slice(0, 5).join('; ')}` : ''}`,
    'Publish the RSA public key the identity provider signs ID tokens with: EKS verifies RS256 only');
  } else {
    checks.add('signingKeys', 'pass', `${usable.length} of ${describeKeys(keys)} ${usable.length === 1 ? 'is an RSA key' : 'are RSA keys'} usable for ${SIGNING_ALGORITHM}`);
  }
}

interface Discovery {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly algorithms?: string[];
}

/** go-oidc's `providerJSON`, read as encoding/json reads it (names matched case-insensitively, the last wins). */
function readDiscovery(response: Response): Discovery | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(response.body);
  } catch {
    return { problem: `its body is not JSON${response.contentType ? ` (Content-Type ${quoted(response.contentType)})` : ''}` };
  }
  if (value === null) value = {};
  if (typeof value !== 'object' || Array.isArray(value)) return { problem: 'its body is not a JSON object' };
  const field = (name: string) => goField(value as { [key: string]: unknown }, name);
  for (const name of ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint']) {
    const v = field(name);
    if (v !== undefined && v !== null && typeof v !== 'string') return { problem: `its ${name} is ${quoted(v)}, not a string: kube-apiserver (go-oidc) cannot decode the document` };
  }
  const algorithms = field('id_token_signing_alg_values_supported');
  if (algorithms !== undefined && algorithms !== null && (!Array.isArray(algorithms) || !algorithms.every(a => a === null || typeof a === 'string'))) {
    return { problem: 'its id_token_signing_alg_values_supported is not a list of strings: kube-apiserver (go-oidc) cannot decode the document' };
  }
  return {
    issuer: (field('issuer') as string | null | undefined) ?? '',
    jwksUri: (field('jwks_uri') as string | null | undefined) ?? '',
    algorithms: Array.isArray(algorithms) ? algorithms.map(a => a ?? '') : undefined,
  };
}

function goField(object: { [key: string]: unknown }, name: string): unknown {
  const fold = (key: string) => key.replace(/\u212A/g, 'k').replace(/\u017F/g, 's').toLowerCase();
  let found: unknown;
  for (const key of Object.keys(object)) {
    if (fold(key) === name && /^[\x00-\x7F\u212A\u017F]*$/.test(key)) found = object[key];
  }
  return found;
}

/** How two issuer URLs differ, for a message. */
function difference(configured: string, announced: string): string {
  if (announced === `${configured}/`) return 'the document\'s has a trailing "/" that the configured one lacks';
  if (configured === `${announced}/`) return 'the configured one has a trailing "/" that the document\'s lacks';
  if (configured.toLowerCase() === announced.toLowerCase()) return 'they differ in upper and lower case, which matters';
  if (announced.startsWith(configured)) return `the document's has ${quoted(announced.slice(configured.length), 60)} more at the end`;
  if (configured.startsWith(announced)) return `the configured one has ${quoted(configured.slice(announced.length), 60)} more at the end`;
  let at = 0;
  while (at < configured.length && configured[at] === announced[at]) at++;
  return `they differ from character ${at + 1}: ${quoted(configured.slice(at), 60)} against ${quoted(announced.slice(at), 60)}`;
}

function redirected(response: Response): string {
  return response.redirects > 0 ? ` (after ${response.redirects} redirect${response.redirects === 1 ? '' : 's'}, at ${shownUrl(response.url)})` : '';
}

/** A URL as a message shows it: quoted, escaped, at most 300 characters. */
function shownUrl(url: string): string {
  return quoted(url, 300);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function cap(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}... (${text.length - MAX_MESSAGE} more characters)` : text;
}

// --- Fetching, bounded ---

interface Response {
  readonly kind: 'response';
  readonly url: string;
  readonly status: number;
  readonly body: string;
  readonly contentType?: string;
  readonly redirects: number;
  readonly tlsVerified: true;
}
interface Failure {
  readonly kind: 'failure';
  readonly reason: string;
  /** What to do, when it is not the general advice. */
  readonly fix?: string;
  /** Whether every TLS connection made was verified (false when none was). */
  readonly tlsVerified: boolean;
  readonly timeout?: boolean;
}
interface CertificateFailure {
  readonly kind: 'certificate';
  readonly reason: string;
  /** The URL whose certificate failed (after redirects). */
  readonly url: string;
  readonly tlsVerified: false;
}
type Outcome = Response | Failure | CertificateFailure;

/** A fetch through public roots, then (when the certificate fails and there is one) through the CA file. */
interface Trusted {
  readonly outcome: Outcome;
  /** Why the chain does not validate against the public roots. @default - it does, or no TLS connection was made */
  readonly publicFailure?: string;
  /** The URL whose chain does not. @default - none */
  readonly publicFailureUrl?: string;
  readonly caFileUsed: boolean;
}

async function fetchTrusted(url: string, options: DoctorOptions, fetches: DoctorFetch[]): Promise<Trusted> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const first = await fetchBounded(url, trustStore(), timeoutMs, 'public roots', fetches);
  if (first.kind !== 'certificate') return { outcome: first, caFileUsed: false };
  if (options.caFile === undefined) return { outcome: first, publicFailure: first.reason, publicFailureUrl: first.url, caFileUsed: false };
  const second = await fetchBounded(url, trustStore(options.caFile), timeoutMs, 'public roots and the CA file', fetches);
  return { outcome: second, publicFailure: first.reason, publicFailureUrl: first.url, caFileUsed: true };
}

const trustStores = new Map<string, SecureContext>();

/**
 * Node's public roots, and the CA file if given, as a TLS context made once (parsing some 150
 * roots for every request is slow). Giving `ca` replaces Node's default trust:
 * NODE_EXTRA_CA_CERTS is not used.
 */
function trustStore(caFile?: string): SecureContext {
  const key = caFile ?? '';
  let context = trustStores.get(key);
  if (context === undefined) {
    if (trustStores.size >= 8) trustStores.clear();
    context = createSecureContext({ ca: caFile === undefined ? [...rootCertificates] : [...rootCertificates, caFile] });
    trustStores.set(key, context);
  }
  return context;
}

/** GET over HTTPS only: at most 5 redirects and no loop, 1 MiB of body, timeoutMs for everything. */
async function fetchBounded(url: string, secureContext: SecureContext, timeoutMs: number, trust: DoctorFetch['trust'], fetches: DoctorFetch[]): Promise<Outcome> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  const seen = new Set<string>();
  let current = url;
  let redirects = 0;
  let bytes = 0;
  let status: number | undefined;
  const done = (outcome: Outcome): Outcome => {
    const error = outcome.kind === 'response' ? {} : { error: outcome.reason };
    fetches.push({ url: current, trust, status, redirects, bytes, ms: Date.now() - started, ...error });
    return outcome;
  };
  let tlsVerified = false;
  for (;;) {
    let parsed: URL;
    try {
      parsed = new URL(current);
    } catch {
      return done({ kind: 'failure', reason: `${shownUrl(current)} is not a URL`, tlsVerified });
    }
    if (parsed.protocol !== 'https:') {
      return done({ kind: 'failure', reason: `${redirects > 0 ? 'it redirects to' : 'it is'} ${shownUrl(current)}, not https://`, fix: 'Serve it over https:// only, redirects included', tlsVerified });
    }
    seen.add(parsed.href);
    const remaining = deadline - Date.now();
    if (remaining <= 0) return done({ kind: 'failure', reason: `no answer within ${timeoutMs} ms`, tlsVerified, timeout: true });
    const hop = await get(parsed, secureContext, remaining);
    bytes = hop.bytes;
    status = hop.status;
    if (hop.kind === 'certificate') return done({ kind: 'certificate', reason: hop.reason, url: current, tlsVerified: false });
    tlsVerified = hop.tlsVerified;
    if (hop.kind === 'failure') {
      const fix = hop.tooBig ? 'Serve the JSON document itself (a discovery document or key set is a few KB): check that the URL does not point at something else' : undefined;
      return done({ kind: 'failure', reason: hop.timedOut ? `no answer within ${timeoutMs} ms` : hop.reason, fix, tlsVerified, timeout: hop.timedOut });
    }
    if ([301, 302, 303, 307, 308].includes(hop.status) && hop.location !== undefined) {
      let next: URL;
      try {
        next = new URL(hop.location, parsed);
      } catch {
        return done({ kind: 'failure', reason: `it redirects to ${shownUrl(hop.location)}, which is not a URL`, tlsVerified });
      }
      const fix = `Serve it at that URL, or redirect at most ${MAX_REDIRECTS} times, without a loop`;
      if (seen.has(next.href)) return done({ kind: 'failure', reason: `it redirects in a loop (back to ${shownUrl(next.href)})`, fix, tlsVerified });
      if (redirects === MAX_REDIRECTS) return done({ kind: 'failure', reason: `it redirects more than ${MAX_REDIRECTS} times`, fix, tlsVerified });
      redirects++;
      current = next.href;
      continue;
    }
    return done({ kind: 'response', url: current, status: hop.status, body: hop.body, contentType: hop.contentType, redirects, tlsVerified: true });
  }
}

type Hop =
  | { kind: 'response'; status: number; body: string; contentType?: string; location?: string; bytes: number; tlsVerified: true }
  | { kind: 'failure'; reason: string; timedOut: boolean; tooBig?: boolean; bytes: number; status?: number; tlsVerified: boolean }
  | { kind: 'certificate'; reason: string; bytes: 0; status?: undefined };

/** One GET, its body read only for 200 (and capped), destroyed at the deadline. */
function get(url: URL, secureContext: SecureContext, timeoutMs: number): Promise<Hop> {
  return new Promise(resolve => {
    let settled = false;
    let bytes = 0;
    let status: number | undefined;
    let tlsVerified = false;
    const finish = (hop: Hop) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(hop);
    };
    // https passes secureContext on to tls.connect (its RequestOptions type does not list it).
    const requestOptions: RequestOptions & { secureContext: SecureContext } = {
      method: 'GET', secureContext, agent: false, headers: { 'accept': 'application/json', 'user-agent': 'cdk-eks-oidc-doctor' },
    };
    const req = request(url, requestOptions);
    const timer = setTimeout(() => finish({ kind: 'failure', reason: 'timeout', timedOut: true, bytes, status, tlsVerified }), timeoutMs);
    req.on('socket', socket => socket.once('secureConnect', () => {
      tlsVerified = true;
    }));
    req.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? '';
      if (CERTIFICATE_ERRORS[code] !== undefined) {
        finish({ kind: 'certificate', reason: CERTIFICATE_ERRORS[code], bytes: 0 });
      } else {
        finish({ kind: 'failure', reason: networkReason(error), timedOut: false, bytes, status, tlsVerified });
      }
    });
    req.on('response', (res: IncomingMessage) => {
      status = res.statusCode ?? 0;
      const contentType = typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : undefined;
      const location = typeof res.headers.location === 'string' ? res.headers.location : undefined;
      const length = Number(res.headers['content-length']);
      const tooBig = () => finish({ kind: 'failure', reason: `its body is over ${MAX_BODY_BYTES} bytes (1 MiB); not read further`, timedOut: false, tooBig: true, bytes, status, tlsVerified });
      if (status !== 200) {
        // Only a 200 counts: the body of anything else is not read.
        finish({ kind: 'response', status, body: '', contentType, location, bytes, tlsVerified: true });
        return;
      }
      if (Number.isFinite(length) && length > MAX_BODY_BYTES) {
        tooBig();
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_BODY_BYTES) {
          tooBig();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => finish({ kind: 'response', status: status!, body: Buffer.concat(chunks).toString('utf8'), contentType, location, bytes, tlsVerified: true }));
      res.on('error', error => finish({ kind: 'failure', reason: networkReason(error), timedOut: false, bytes, status, tlsVerified }));
    });
    req.end();
  });
}

function networkReason(error: NodeJS.ErrnoException): string {
  const reasons: { [code: string]: string } = {
    ENOTFOUND: 'its host name does not resolve (DNS)',
    EAI_AGAIN: 'its host name cannot be resolved now (DNS)',
    ECONNREFUSED: 'the connection is refused',
    ECONNRESET: 'the connection was reset',
    ETIMEDOUT: 'the connection timed out',
    EHOSTUNREACH: 'the host is unreachable',
    ENETUNREACH: 'the network is unreachable',
  };
  return reasons[error.code ?? ''] ?? `it fails: ${quoted(error.message ?? String(error), 200)}`;
}

function failureText(outcome: Outcome): string {
  return outcome.kind === 'response' ? `HTTP ${outcome.status}` : outcome.reason;
}

function failureFix(outcome: Outcome): string {
  if (outcome.kind === 'certificate') return 'Serve it with a publicly trusted certificate: EKS refuses any other';
  if (outcome.kind === 'failure' && outcome.fix !== undefined) return outcome.fix;
  if (outcome.kind === 'failure' && outcome.timeout) return 'Make it answer quickly from the internet: EKS\'s control plane fetches it the same way';
  return 'Make it reachable over HTTPS from the internet (or through the cluster\'s egress path with CUSTOMER_ROUTED control plane egress), answering 200 with JSON';
}

import { TokenExplanation } from '../token-explanation';
import { DEFAULT_USERNAME_CLAIM, groupsPrefixOf, usernamePrefixOf } from './kubernetes-names';
import { ResolvedOidc } from './resolved-oidc';

/**
 * kube-apiserver's OIDC authenticator, as EKS configures it from an identity provider config
 * (the `--oidc-*` flags), applied to a token without checking its signature. It follows the
 * code, not the docs: k8s.io/apiserver plugin/pkg/authenticator/token/oidc/oidc.go
 * (`hasCorrectIssuer`, the username, `email_verified`, groups and required-claim rules) and the
 * go-oidc verifier it calls (github.com/coreos/go-oidc/v3 oidc/verify.go and oidc.go: the
 * `idToken` claims, `audience`, `jsonTime`, expiry and not-before checks), with Go's
 * encoding/json semantics for the types of the claims.
 */

/** The settings the authenticator runs with. */
export type TokenSettings = ResolvedOidc;

/** go-oidc's leeway for `nbf` (verify.go); `exp` has none. */
const NOT_BEFORE_LEEWAY_MS = 60_000;
/** The only signing algorithm kube-apiserver accepts by default (`--oidc-signing-algs=RS256`), and EKS offers no other. */
const SIGNING_ALGORITHM = 'RS256';
/** Unpadded base64url, as Go's `base64.RawURLEncoding` decodes it. */
const RAW_BASE64URL = /^[A-Za-z0-9_-]*$/;
/** A JSON number: what Go's `json.Number` accepts, also inside a string. */
const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Claims = { [key: string]: Json };

class Refusal {
  readonly problems: string[] = [];
  add(claim: string, found: unknown, expected: string, fix: string): void {
    this.problems.push(`${claim}: found ${found === undefined ? 'nothing' : JSON.stringify(found)}, expected ${expected}. ${fix}`);
  }
}

export function explainToken(settings: TokenSettings, token: string, nowMs: number): TokenExplanation {
  const refusal = new Refusal();
  const refused = (extra: Partial<TokenExplanation> = {}): TokenExplanation =>
    ({ accepted: false, groups: [], problems: refusal.problems, ...extra });

  const parts = token.trim().split('.');
  if (parts.length !== 3) {
    refusal.add('token', `${parts.length} part${parts.length === 1 ? '' : 's'}`, 'a JWT of three base64url parts separated by "." (header.payload.signature)',
      'Pass the ID token itself, as `kubectl oidc-login get-token` or the CI job prints it, not an access token, a file name or a header');
    return refused();
  }
  const header = decodePart(parts[0]);
  const payload = decodePart(parts[1]);
  if (header === undefined || payload === undefined) {
    refusal.add('token', header === undefined ? 'a header' : 'a payload', 'unpadded base64url of a JSON object, as JWTs encode them',
      'Pass the token exactly as issued: no padding "=", no "+" or "/", no quotes or line breaks');
    return refused();
  }
  if (header.alg !== SIGNING_ALGORITHM) {
    refusal.add('alg (header)', header.alg, `"${SIGNING_ALGORITHM}"`, 'Have the identity provider sign ID tokens with RS256, the only algorithm EKS accepts');
  }

  // go-oidc decodes the standard claims into a struct: Go matches their keys case-insensitively.
  const standard = (name: string) => goStructField(payload, name);
  const iss = standard('iss');
  const issuer = typeof iss === 'string' ? iss : undefined;
  if (iss === undefined || typeof iss !== 'string' || iss !== settings.issuerUrl) {
    const slash = typeof iss === 'string' && (iss === `${settings.issuerUrl}/` || `${iss}/` === settings.issuerUrl);
    refusal.add('iss', iss, `exactly "${settings.issuerUrl}"`, slash
      ? 'The two differ only in a trailing "/", which matters: set issuerUrl to the token\'s "iss" byte for byte'
      : 'Use a token of this provider\'s issuer, or set issuerUrl to the "iss" of your tokens');
  }
  for (const [name, ok] of [['sub', isString], ['nonce', isString], ['at_hash', isString], ['iat', isTime],
    ['_claim_names', isStringMap], ['_claim_sources', isClaimSources]] as const) {
    const value = standard(name);
    if (value !== undefined && value !== null && !ok(value)) {
      refusal.add(name, value, `${name === 'iat' ? 'a number' : name.startsWith('_') ? 'an object' : 'a string'}, as OpenID Connect defines it`,
        'Fix the identity provider\'s claim mapping: kube-apiserver refuses a token whose standard claims have the wrong type');
    }
  }
  if (standard('iat') === null) {
    refusal.add('iat', null, 'a number', 'Remove the claim or give it a time: go-oidc cannot read null as a time');
  }

  const aud = standard('aud');
  const audiences = aud === null ? [''] : typeof aud === 'string' ? [aud] : Array.isArray(aud) && aud.every(isString) ? aud as string[] : undefined;
  if (audiences === undefined || !audiences.includes(settings.clientId)) {
    refusal.add('aud', aud, `"${settings.clientId}" (a string, or a list of strings that contains it)`,
      'Request the token for this client ID: kubelogin\'s --oidc-client-id, GitHub\'s audience parameter, GitLab\'s id_tokens aud');
  }

  const exp = standard('exp');
  const expiry = exp === undefined ? 0 : goTime(exp);
  const expiresAt = exp !== undefined && expiry !== undefined ? new Date(expiry * 1000).toISOString() : undefined;
  if (expiry === undefined) {
    refusal.add('exp', exp, 'a number of seconds since 1970', 'Fix the identity provider: go-oidc cannot read this as a time');
  } else if (expiry * 1000 < nowMs) {
    refusal.add('exp', exp, `a time after now (${new Date(nowMs).toISOString()})`, exp === undefined
      ? 'A token without exp never counts as valid: use an ID token, which has one'
      : `The token expired at ${new Date(expiry * 1000).toISOString()}: get a new one`);
  }
  const nbf = standard('nbf');
  if (nbf !== undefined && nbf !== null) {
    const notBefore = goTime(nbf);
    if (notBefore === undefined) {
      refusal.add('nbf', nbf, 'a number of seconds since 1970', 'Fix the identity provider: go-oidc cannot read this as a time');
    } else if (nowMs + NOT_BEFORE_LEEWAY_MS < notBefore * 1000) {
      refusal.add('nbf', nbf, `a time no later than a minute from now (${new Date(nowMs).toISOString()})`,
        'The token is not valid yet: check the clocks of the identity provider and this machine');
    }
  }

  // kube-apiserver reads every other claim from a map: exact keys.
  const username = usernameOf(settings, payload, refusal);
  const groups = groupsOf(settings, payload, refusal);
  for (const [claim, expected] of Object.entries(settings.requiredClaims)) {
    const value = payload[claim];
    if (!(claim in payload) || (value !== null && typeof value !== 'string') || (value ?? '') !== expected) {
      refusal.add(claim, value, `exactly "${expected}" (a required claim)`, 'Use a token that carries it, or change requiredClaims');
    }
  }

  if (refusal.problems.length > 0) return refused({ expiresAt, issuer });
  return { accepted: true, username, groups: groups ?? [], problems: [], expiresAt, issuer };
}

function usernameOf(settings: TokenSettings, claims: Claims, refusal: Refusal): string | undefined {
  const claim = settings.usernameClaim ?? DEFAULT_USERNAME_CLAIM;
  const value = claims[claim];
  if (!(claim in claims) || (value !== null && typeof value !== 'string')) {
    refusal.add(claim, value, 'a string (the username claim)', `Have the identity provider put "${claim}" in its ID tokens, or set usernameClaim to a claim they carry`);
    return undefined;
  }
  if (claim === 'email' && 'email_verified' in claims && claims.email_verified !== true) {
    refusal.add('email_verified', claims.email_verified, 'true, or no email_verified claim (the username claim is email)',
      'Verify the user\'s e-mail address at the identity provider, or use another username claim');
  }
  // Go reads a JSON null into a string as "".
  return `${usernamePrefixOf(settings) ?? ''}${value ?? ''}`;
}

function groupsOf(settings: TokenSettings, claims: Claims, refusal: Refusal): string[] | undefined {
  const claim = settings.groupsClaim;
  if (claim === undefined) return [];
  if (!(claim in claims)) {
    const sources = claims._claim_names;
    if (isObject(sources) && claim in sources) {
      refusal.add(claim, undefined, 'the groups in the token itself', `The token refers to distributed claims (_claim_names): kube-apiserver would fetch "${claim}" `
        + 'from the source it names, which cannot be judged offline (Entra ID does this for users in more than 200 groups)');
    }
    return [];
  }
  const value = claims[claim];
  const values = value === null ? [] : typeof value === 'string' ? [value] : Array.isArray(value) && value.every(isString) ? value as string[] : undefined;
  if (values === undefined) {
    refusal.add(claim, value, 'a string or a list of strings (the groups claim)', 'Fix the identity provider\'s groups claim mapping');
    return undefined;
  }
  return values.map(group => groupsPrefixOf(settings) + group);
}

/** A part of the token: strict unpadded base64url of a JSON object, or undefined. */
function decodePart(part: string): Claims | undefined {
  if (!RAW_BASE64URL.test(part) || part.length % 4 === 1) return undefined;
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The value Go's encoding/json puts into a struct field tagged `name`: the last key in the object
 * that equals the name under Unicode simple case folding (`K` also folds to the Kelvin sign, `s`
 * to the long s).
 */
function goStructField(claims: Claims, name: string): Json | undefined {
  const fold = (key: string) => key.replace(/\u212A/g, 'k').replace(/\u017F/g, 's').toLowerCase();
  let found: Json | undefined;
  for (const key of Object.keys(claims)) {
    if (fold(key) === name && /^[\x00-\x7F\u212A\u017F]*$/.test(key)) found = claims[key];
  }
  return found;
}

/** go-oidc's `jsonTime`: a JSON number, or a string holding one, as whole seconds; undefined when Go cannot read it. */
function goTime(value: Json): number | undefined {
  const text = typeof value === 'number' ? JSON.stringify(value) : typeof value === 'string' ? value : undefined;
  if (text === undefined || !JSON_NUMBER.test(text)) return undefined;
  return Math.trunc(Number(text));
}

const isString = (value: Json): boolean => typeof value === 'string';
const isTime = (value: Json): boolean => goTime(value) !== undefined;
const isObject = (value: Json | undefined): value is Claims => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringMap = (value: Json): boolean => isObject(value) && Object.values(value).every(v => v === null || typeof v === 'string');
/** `_claim_sources`: objects whose `endpoint` and `access_token` (struct fields) are strings. */
const isOptionalString = (value: Json | undefined): boolean => value === undefined || value === null || typeof value === 'string';
const isClaimSources = (value: Json): boolean => isObject(value) && Object.values(value).every(source => source === null
  || (isObject(source) && ['endpoint', 'access_token'].every(key => isOptionalString(goStructField(source, key)))));

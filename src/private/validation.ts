import { Token } from 'aws-cdk-lib';
import { invalid } from './errors';

/**
 * Synth-time checks of single property values, following the rules in the EKS and
 * CloudFormation documentation. Each returns the problems found (empty when valid) and
 * skips any value that contains an unresolved token: what a token resolves to is only
 * known at deploy time.
 */

const WELL_KNOWN_SUFFIX = '/.well-known/openid-configuration';
/** The cluster's own service-account (IRSA) issuer: `https://oidc.eks.<region>.amazonaws.com[.cn]/id/<ID>`. */
const IRSA_HOST = /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;
const SYSTEM = 'system:';

export function issuerUrlProblems(url: string): string[] {
  if (Token.isUnresolved(url)) return [];
  const bad = (problem: string, fix: string) => [invalid('issuerUrl', url, problem, fix)];
  if (!url.startsWith('https://')) {
    return bad('EKS only accepts an issuer URL that starts with "https://"',
      'Use the HTTPS URL that your identity provider puts in the "iss" claim of its tokens, e.g. "https://example.okta.com/oauth2/default"');
  }
  // URL parsers silently drop tabs and newlines and re-encode spaces, so such a URL would seem
  // valid here and never equal the tokens' "iss".
  if (/[\s\u0000-\u001f\u007f]/.test(url)) {
    return bad('an issuer URL must not contain whitespace or control characters',
      'Use the exact "iss" value of your tokens; look for a stray space, tab or line break');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return bad('it is not a parseable URL', 'Use the exact "iss" value of your tokens, e.g. "https://login.example.com/realms/platform"');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return bad('an issuer URL must not contain user info ("user:password@")', 'Remove the part before "@" from the host');
  }
  if (url.includes('?')) {
    return bad('an issuer URL must not have a query string', 'Remove everything from "?" on');
  }
  if (url.includes('#')) {
    return bad('an issuer URL must not have a fragment', 'Remove everything from "#" on');
  }
  if (parsed.pathname.replace(/\/$/, '').endsWith(WELL_KNOWN_SUFFIX)) {
    return bad(`the issuer URL is the level above "${WELL_KNOWN_SUFFIX}", not the discovery document itself`,
      `Remove "${WELL_KNOWN_SUFFIX}" from the end`);
  }
  if (IRSA_HOST.test(parsed.hostname) && parsed.pathname.startsWith('/id/')) {
    return bad('this is an EKS cluster\'s own service-account issuer (the IRSA OIDC provider, used by pods to assume IAM roles), '
      + 'which EKS rejects as an identity provider ("cannot be same as OpenID Connect (OIDC) issuer URL")',
    'Use the issuer of the identity provider your people log in with (Okta, Entra ID, Keycloak, Dex, ...); '
      + 'to let pods assume IAM roles, use the cluster\'s OpenIdConnectProvider or EKS Pod Identity instead');
  }
  return [];
}

/** A required string, or an optional one that was given: must not be empty. */
export function nonEmptyProblems(property: string, value: string | undefined, fix: string): string[] {
  if (value === undefined || Token.isUnresolved(value) || value.length > 0) return [];
  return [invalid(property, value, 'it must not be empty', fix)];
}

/** `usernamePrefix` / `groupsPrefix`: "don't specify `system:` or any portion of that string". */
export function prefixProblems(property: string, prefix: string | undefined): string[] {
  if (prefix === undefined || Token.isUnresolved(prefix) || !prefix.includes(SYSTEM)) return [];
  return [invalid(property, prefix, `a prefix must not contain "${SYSTEM}", which Kubernetes reserves for its own users and groups`,
    'Use a prefix of your own, such as "oidc:"')];
}

/** A prefix that is a leading part of `system:` (`sys`, `system`): legal, but EKS advises against it. */
export function prefixResemblesSystem(property: string, prefix: string | undefined): string | undefined {
  if (prefix === undefined || prefix === '' || Token.isUnresolved(prefix)
    || prefix.includes(SYSTEM) || !SYSTEM.startsWith(prefix)) return undefined;
  return invalid(property, prefix, `it is a leading part of "${SYSTEM}", and EKS advises against any portion of that string`,
    'Use a prefix that cannot be mistaken for Kubernetes\' reserved names, such as "oidc:"');
}

function lengthProblems(property: string, value: string, min: number, max: number, fix: string): string[] {
  // CloudFormation counts characters (Unicode code points), not JavaScript's UTF-16 units:
  // an emoji is one character but two units.
  const length = [...value].length;
  if (Token.isUnresolved(value) || (length >= min && length <= max)) return [];
  return [invalid(property, value, `it must be ${min} to ${max} characters long, but has ${length}`, fix)];
}

export function requiredClaimsProblems(claims: { [claim: string]: string }): string[] {
  return Object.entries(claims).flatMap(([key, value]) => [
    ...lengthProblems('requiredClaims key', key, 1, 63, 'Use the claim\'s name as it appears in the token'),
    ...lengthProblems(`requiredClaims[${JSON.stringify(key)}] value`, value, 1, 253, 'Use the exact value the claim must have'),
  ]);
}

const MAX_TAGS = 50;

export function tagsProblems(tags: { [key: string]: string }): string[] {
  const problems = Object.entries(tags).flatMap(([key, value]) => {
    if (!Token.isUnresolved(key) && key.toLowerCase().startsWith('aws:')) {
      return [invalid('tag key', key, 'the "aws:" prefix is reserved for AWS', 'Choose a key that does not start with "aws:"')];
    }
    return [
      ...lengthProblems('tag key', key, 1, 128, 'Shorten the key'),
      ...lengthProblems(`tag ${JSON.stringify(key)} value`, value, 0, 256, 'Shorten the value'),
    ];
  });
  const count = Object.keys(tags).length;
  if (count > MAX_TAGS) {
    problems.push(invalid('tags', Object.keys(tags), `a resource can have at most ${MAX_TAGS} tags, but has ${count}`,
      'Remove tags, or apply fewer with Tags.of()'));
  }
  return problems;
}

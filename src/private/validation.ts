import { Token } from 'aws-cdk-lib';
import { invalid, Problem, shown } from './errors';

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

export function issuerUrlProblems(url: string): Problem[] {
  if (Token.isUnresolved(url)) return [];
  const bad = (problem: string, fix: string): Problem[] => [invalid('issuerUrl', url, problem, fix)];
  if (!url.startsWith('https://')) {
    return bad('EKS only accepts an issuer URL that starts with "https://"',
      'Use the HTTPS URL that your identity provider puts in the "iss" claim of its tokens, e.g. "https://example.okta.com/oauth2/default"');
  }
  // URL parsers silently drop tabs and newlines and re-encode spaces and other control
  // characters, so such a URL would seem valid here and never equal the tokens' "iss".
  if (/[\s\p{Cc}\p{Cf}]/u.test(url)) {
    return bad('an issuer URL must not contain whitespace, control or invisible formatting characters',
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

/**
 * The one rule for free text (client ids, claim names and values, prefixes, preset options): not
 * empty, no control character, no invisible formatting character, no surrounding whitespace.
 * Each of these was pasted by mistake, and makes a value that never equals what a token carries.
 */
export function textProblems(property: string, value: string | undefined, fix: string): Problem[] {
  if (value === undefined || Token.isUnresolved(value)) return [];
  if (value.length === 0) return [invalid(property, value, 'it must not be empty', fix)];
  if (value.trim() !== value) {
    return [invalid(property, value, 'it starts or ends with whitespace, which no token value carries', 'Remove the surrounding whitespace')];
  }
  return characterProblems(property, value);
}

/**
 * Control characters (tab, line breaks, U+0000-U+001F, U+007F-U+009F) and invisible formatting
 * characters (zero-width spaces and joiners, the soft hyphen, bidirectional overrides) are unseen,
 * almost always pasted by mistake, and not carried reliably by templates and kube-apiserver flags:
 * cfn-lint cannot even parse a template that holds a control character.
 */
export function characterProblems(property: string, value: string): Problem[] {
  const control = /[\p{Cc}\p{Cf}]/u.exec(value)?.[0];
  if (control === undefined || Token.isUnresolved(value)) return [];
  const what = /\p{Cc}/u.test(control) ? 'control character' : 'invisible formatting character';
  return [invalid(property, value, `it contains the ${what} ${codePoint(control)}`, 'Remove it; it was most likely pasted by mistake')];
}

/**
 * A numeric ID as tokens carry it in a required claim: decimal digits, no leading zero (GitHub's
 * and GitLab's IDs start at 1). `whose` is as "the owner's"; `find` says where users find it.
 */
export function numericIdProblems(property: string, value: string, whose: string, claim: string, find: string): Problem[] {
  if (Token.isUnresolved(value) || /^[1-9][0-9]*$/.test(value)) return [];
  return [invalid(property, value, `it must be ${whose} numeric ID, in decimal digits without a leading zero, as tokens carry it in ${claim}`, find)];
}

const codePoint = (character: string) => `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** `usernamePrefix` / `groupsPrefix`: "don't specify `system:` or any portion of that string". */
export function prefixProblems(property: string, prefix: string | undefined): Problem[] {
  if (prefix === undefined || Token.isUnresolved(prefix) || !prefix.includes(SYSTEM)) return [];
  return [invalid(property, prefix, `a prefix must not contain "${SYSTEM}", which Kubernetes reserves for its own users and groups`,
    'Use a prefix of your own, such as "oidc:"')];
}

/** A prefix that is a leading part of `system:` (`sys`, `system`): legal, but EKS advises against it. */
export function prefixResemblesSystem(property: string, prefix: string | undefined): string | undefined {
  if (prefix === undefined || prefix === '' || Token.isUnresolved(prefix)
    || prefix.includes(SYSTEM) || !SYSTEM.startsWith(prefix)) return undefined;
  return `The ${property} ${shown(prefix)} is a leading part of "${SYSTEM}", which EKS advises against: such names are easily `
    + 'mistaken for Kubernetes\' own. Prefer a prefix such as "oidc:"';
}

function lengthProblems(property: string, value: string, min: number, max: number, fix: string): Problem[] {
  // CloudFormation counts characters (Unicode code points), not JavaScript's UTF-16 units:
  // an emoji is one character but two units.
  const length = [...value].length;
  if (Token.isUnresolved(value) || (length >= min && length <= max)) return [];
  return [invalid(property, value, `it must be ${min} to ${max} characters long, but has ${length}`, fix)];
}

/** The text rule for a required claim's key or value, whose length is checked on its own: no surrounding whitespace, no control or formatting character. */
function claimTextProblems(property: string, text: string): Problem[] {
  return text.trim() === text ? characterProblems(property, text) : textProblems(property, text, '');
}

export function requiredClaimsProblems(claims: { [claim: string]: string }): Problem[] {
  return Object.entries(claims).flatMap(([key, value]) => {
    const keyProperty = 'requiredClaims key';
    const valueProperty = `requiredClaims[${JSON.stringify(key)}] value`;
    return [
      ...lengthProblems(keyProperty, key, 1, 63, 'Use the claim\'s name as it appears in the token'),
      ...claimTextProblems(keyProperty, key),
      ...lengthProblems(valueProperty, value, 1, 253, 'Use the exact value the claim must have'),
      ...claimTextProblems(valueProperty, value),
    ];
  });
}

const MAX_TAGS = 50;
/** What AWS allows in tag keys and values (the Resource Groups Tagging API's pattern). */
const TAG_CHARACTER = /[\p{L}\p{Z}\p{N}_.:/=+\-@]/u;

/** One tag key or value: length, characters, and the `aws:` prefix, reserved in any case for both. */
function tagTextProblems(property: string, text: string, min: number, max: number): Problem[] {
  if (Token.isUnresolved(text)) return [];
  if (text.toLowerCase().startsWith('aws:')) {
    return [invalid(property, text, 'the "aws:" prefix is reserved for AWS', 'Choose one that does not start with "aws:"')];
  }
  const other = [...text].find(c => !TAG_CHARACTER.test(c));
  if (other !== undefined) {
    return [invalid(property, text, `it contains ${JSON.stringify(other)} (${codePoint(other)}), and AWS tags may only contain `
      + 'Unicode letters, digits, spaces and _ . : / = + - @', 'Remove or replace that character')];
  }
  return lengthProblems(property, text, min, max, 'Shorten it');
}

export function tagsProblems(tags: { [key: string]: string }): Problem[] {
  const problems = Object.entries(tags).flatMap(([key, value]) => [
    ...tagTextProblems('tag key', key, 1, 128),
    ...tagTextProblems(`tag ${JSON.stringify(key)} value`, value, 0, 256),
  ]);
  const count = Object.keys(tags).length;
  if (count > MAX_TAGS) {
    problems.push(invalid('tags', Object.keys(tags), `a resource can have at most ${MAX_TAGS} tags, but has ${count}`,
      'Remove tags, or apply fewer with Tags.of()'));
  }
  return problems;
}

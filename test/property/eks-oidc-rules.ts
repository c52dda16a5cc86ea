// The oracle of the property tests: the rules of ../shared/EKS-OIDC.md and of the README's
// "Checked at synth time" table, stated on their own, without the library's code.

/** A deploy-time token in place of a value, whose value nobody knows at synth time. */
export class DeployTimeToken {
  constructor(readonly token: string) {}
}
/** A generated prop value. */
export type Value = string | DeployTimeToken;
export const isToken = (value: unknown): value is DeployTimeToken => value instanceof DeployTimeToken;

export interface GeneratedProps {
  issuerUrl: Value;
  clientId: Value;
  identityProviderConfigName?: Value;
  usernameClaim?: Value;
  usernamePrefix?: Value;
  groupsClaim?: Value;
  groupsPrefix?: Value;
  requiredClaims?: Record<string, Value>;
  tags?: Record<string, Value>;
}

/**
 * The text rule of every text prop: control characters (tab, line breaks, C0, DEL, C1) and
 * invisible formatting characters (zero-width spaces and joiners, the soft hyphen, bidirectional
 * marks) are refused anywhere, whitespace at either end too: all are unseen, and pasted by mistake.
 */
const hasInvisibleCharacter = (text: string) => /[\p{Cc}\p{Cf}]/u.test(text);
const hasSurroundingWhitespace = (text: string) => /^\s|\s$/u.test(text);
const breaksTextRule = (text: string) => hasInvisibleCharacter(text) || hasSurroundingWhitespace(text);
/** AWS tag keys and values: Unicode letters, digits, spaces and _ . : / = + - @ (the Resource Groups Tagging API's pattern). */
const isTagText = (text: string) => /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(text);
const reservedForAws = (text: string) => text.toLowerCase().startsWith('aws:');

/** Lengths in CloudFormation's schema are counted in characters (Unicode code points). */
const characters = (text: string) => [...text].length;
const between = (text: string, min: number, max: number) => characters(text) >= min && characters(text) <= max;

function issuerUrlIsValid(url: string): boolean {
  // "must start with https://" and match the tokens' iss byte for byte: no whitespace, control
  // or formatting characters, which URL parsers silently drop or re-encode.
  if (!url.startsWith('https://') || /[\s\p{Cc}\p{Cf}]/u.test(url)) return false;
  // Entra ID's tokens name the tenant in iss by its GUID, never by a domain or an alias.
  const entraTenant = /^https:\/\/login\.microsoftonline\.com\/([^/]+)/.exec(url)?.[1];
  if (entraTenant !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(entraTenant)) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password || url.includes('?') || url.includes('#')) return false;
  const path = parsed.pathname.endsWith('/') ? parsed.pathname.slice(0, -1) : parsed.pathname;
  if (path.endsWith('/.well-known/openid-configuration')) return false;
  // Not the cluster's own service-account issuer, https://oidc.eks.<region>.amazonaws.com[.cn]/id/<ID>.
  const irsa = /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/i.test(parsed.hostname) && parsed.pathname.startsWith('/id/');
  return !irsa;
}

/**
 * The props that are invalid, by the names the library's errors use for them. The issuer URL is
 * judged by `OidcIssuer.fromUrl()`, before there is a provider: `invalidIssuer()` says whether it is.
 */
export function invalidProps(props: GeneratedProps): Set<string> {
  const invalid = new Set<string>();
  const literal = (value: Value | undefined): value is string => typeof value === 'string';
  // Given strings must not be empty (the library's rule; EKS does not document empty values).
  for (const name of ['clientId', 'identityProviderConfigName', 'usernameClaim', 'usernamePrefix', 'groupsClaim', 'groupsPrefix'] as const) {
    const value = props[name];
    if (value === '' || (literal(value) && breaksTextRule(value))) invalid.add(name);
  }
  // Prefixes: "don't specify system:".
  for (const name of ['usernamePrefix', 'groupsPrefix'] as const) {
    const prefix = props[name];
    if (literal(prefix) && prefix.includes('system:')) invalid.add(name);
  }
  for (const [key, value] of Object.entries(props.requiredClaims ?? {})) {
    if (!between(key, 1, 63) || breaksTextRule(key)) invalid.add('requiredClaims');
    if (literal(value) && (!between(value, 1, 253) || breaksTextRule(value))) invalid.add('requiredClaims');
  }
  const tags = Object.entries(props.tags ?? {});
  if (tags.length > 50) invalid.add('tags');
  for (const [key, value] of tags) {
    if (!between(key, 1, 128) || !isTagText(key) || reservedForAws(key)) invalid.add('tags');
    if (literal(value) && (!between(value, 0, 256) || !isTagText(value) || reservedForAws(value))) invalid.add('tags');
  }
  return invalid;
}

/** Whether `OidcIssuer.fromUrl()` refuses the issuer URL (a deploy-time one never). */
export function invalidIssuer(props: GeneratedProps): boolean {
  return typeof props.issuerUrl === 'string' && !issuerUrlIsValid(props.issuerUrl);
}

/** The user name kube-apiserver gives a value of the username claim (EKS-OIDC.md). */
export function expectedUsername(props: { issuerUrl: string; usernameClaim?: string; usernamePrefix?: string }, value: string): string {
  if (props.usernamePrefix === '-') return value;
  if (props.usernamePrefix !== undefined) return props.usernamePrefix + value;
  if ((props.usernameClaim ?? 'sub') === 'email') return value;
  return `${props.issuerUrl}#${value}`;
}

/** The group name kube-apiserver gives a value of the groups claim; `-` means nothing special. */
export function expectedGroup(props: { groupsPrefix?: string }, value: string): string {
  return (props.groupsPrefix ?? '') + value;
}

// What of a token is never printed: its signature, and any access token it carries (the
// `access_token` of `_claim_sources`, which lets its holder read the user's claims elsewhere).
// The judge prints the claims it judges; these are taken out of whatever it says, whatever the
// claim's shape.

/** Shorter strings are no credential, and taking them out would garble the output. */
const MIN_SECRET = 8;
/** Keys whose values are credentials, after Go's case folding (go-oidc reads `access_token` into a struct field). */
const CREDENTIAL_KEYS = new Set(['access_token', 'refresh_token', 'id_token']);

/** The secrets of a token, as the output may spell them: raw, and escaped inside a JSON string. */
export function secretsOf(token: string): string[] {
  const parts = token.trim().split('.');
  const secrets = [...parts.slice(2), ...credentialsIn(parts[1])];
  const spelled = secrets.flatMap(secret => [secret, JSON.stringify(secret).slice(1, -1)]).filter(s => s.length >= MIN_SECRET);
  return [...new Set(spelled)].sort((a, b) => b.length - a.length);
}

/** The value with every secret taken out of each string in it. */
export function withoutSecrets<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const clean = (item: unknown): unknown => {
    if (typeof item === 'string') return secrets.reduce((text, secret) => text.split(secret).join('(redacted)'), item);
    if (Array.isArray(item)) return item.map(clean);
    if (typeof item === 'object' && item !== null) return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, clean(v)]));
    return item;
  };
  return clean(value) as T;
}

/** The values of credential keys anywhere in the payload (walked without recursion: it may nest deeply). */
function credentialsIn(payload: string | undefined): string[] {
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
  } catch {
    return [];
  }
  const found: string[] = [];
  const pending: unknown[] = [claims];
  while (pending.length > 0) {
    const value = pending.pop();
    if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (CREDENTIAL_KEYS.has(key.replace(/\u212A/g, 'k').replace(/\u017F/g, 's').toLowerCase())) found.push(typeof item === 'string' ? item : jsonOf(item));
        pending.push(item);
      }
    }
  }
  return found;
}

function jsonOf(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

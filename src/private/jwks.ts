import { createHash, createPublicKey, KeyObject, verify, X509Certificate } from 'crypto';
import { escapeForTerminal } from './errors';

/**
 * A token's signature checked against an issuer's JSON Web Key Set as kube-apiserver checks it.
 * EKS runs kube-apiserver's OIDC authenticator (k8s.io/apiserver plugin/pkg/authenticator/token/oidc),
 * which verifies with github.com/coreos/go-oidc v2.5.0+incompatible and gopkg.in/go-jose/go-jose.v2
 * v2.6.3, accepting RS256 only (EKS sets no --oidc-signing-algs). This follows that code:
 * - go-oidc verify.go:205 refuses a token with more than two "."; verify.go:233 an `alg` other than
 *   RS256 (so `none`, HS256 and every other algorithm).
 * - go-oidc jwks.go:105-121: the key id is the header's `kid`; every key whose `kid` equals it is
 *   tried, and when the header has no `kid` (or an empty one) every key of the set is tried. A key
 *   without `kid` is tried only then. The keys' `alg` and `use` are not looked at.
 * - go-oidc jwks.go:213 decodes the set with encoding/json into go-jose's `JSONWebKeySet`: one key
 *   that go-jose cannot read (jwk.go:165-310: an unknown `kty`, a missing `n`, a padded base64
 *   value, ...) makes the whole set undecodable, and every token is refused.
 * - go-jose's JSON (its json/ fork) matches names case-sensitively and refuses duplicate names;
 *   jws.go:79 strips white space from the token, jws.go:277 decodes its parts as unpadded
 *   base64url, and signing.go:350 signs over the re-encoded parts, honouring `crit` (only `b64`).
 * - A published RSA private key (`d`) cannot verify (signing.go:155); Go's crypto/rsa refuses a
 *   modulus under 1024 bits or even, an exponent that is even, under 2 or over 2^31-1, and a
 *   signature whose length is not the modulus's.
 * Bounded: a JWKS over 1 MiB or with more than 100 keys is refused. Never throws; never shows a
 * key's material or the token's signature.
 */

/** The largest JWKS read, in bytes (also the cap of a token). */
export const MAX_JWKS_BYTES = 1024 * 1024;
/** The most keys a JWKS may hold. */
export const MAX_JWKS_KEYS = 100;
/** The only algorithm EKS's kube-apiserver accepts. */
export const SIGNING_ALGORITHM = 'RS256';
/** How many keys a message lists before "and N more". */
const KEYS_LISTED = 10;
/** The longest value (kid, kty, ...) a message shows, in characters. */
const VALUE_SHOWN = 80;

/** One key of a JSON Web Key Set, as messages name it: never its material. */
export interface PublishedKey {
  /** Its `kid`. @default - none */
  readonly kid?: string;
  /** Its `kty` (`RSA`, `EC`, ...). @default - none */
  readonly kty?: string;
  /** Its `alg`. @default - none */
  readonly alg?: string;
  /** Its `use` (`sig`, `enc`). @default - none */
  readonly use?: string;
}

/** What kube-apiserver makes of a token's signature, given the issuer's keys. */
export interface SignatureVerdict {
  /** Whether the signature verifies with a key of the set, as kube-apiserver checks it. */
  readonly ok: boolean;
  /** Why it does not: each names the header's `alg` and `kid` and the keys on offer. Empty when ok. */
  readonly problems: string[];
  /** The header's `alg`. @default - the header has none, or cannot be read */
  readonly algorithm?: string;
  /** The header's `kid`. @default - the header has none, or cannot be read */
  readonly keyId?: string;
  /** The keys of the set (empty when it cannot be read). */
  readonly keys: PublishedKey[];
  /** The key that verified the signature. @default - none did */
  readonly verifiedBy?: PublishedKey;
}

/** One key of a set as go-jose reads it. */
export interface ReadKey {
  readonly published: PublishedKey;
  /** The RSA public key, when it is one that Go can verify RS256 with. */
  readonly rsa?: KeyObject;
  /** Why it cannot verify an RS256 signature, when it cannot. */
  readonly unusable?: string;
  /** Whether it publishes private key material (`d`). */
  readonly isPrivate: boolean;
}

/** A key set as kube-apiserver decodes it: its keys, or why it cannot. */
export interface ReadKeySet {
  readonly keys: ReadKey[];
  /** Why go-oidc cannot decode the set (then every token is refused). @default - it can */
  readonly problem?: string;
}

/** A value as a message shows it: quoted, escaped for a terminal, at most 80 characters. */
export function quoted(value: unknown, max = VALUE_SHOWN): string {
  if (value === undefined) return '(none)';
  let text: string;
  if (typeof value === 'string') {
    text = value.length > max ? `${JSON.stringify(value.slice(0, max))}... (${value.length} characters)` : JSON.stringify(value);
  } else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
    if (text.length > max) text = `${text.slice(0, max)}...`;
  }
  return escapeForTerminal(text);
}

/** A key as messages name it: `kid "k1" (kty RSA, alg RS256, use sig)`. */
export function describeKey(key: PublishedKey): string {
  const kid = key.kid === undefined || key.kid === '' ? 'no kid' : `kid ${quoted(key.kid)}`;
  return `${kid} (kty ${quoted(key.kty)}, alg ${quoted(key.alg)}, use ${quoted(key.use)})`;
}

/** The keys on offer, for a message: at most ten, then how many more. */
export function describeKeys(keys: readonly PublishedKey[]): string {
  if (keys.length === 0) return 'no keys';
  const listed = keys.slice(0, KEYS_LISTED).map(describeKey).join('; ');
  const more = keys.length > KEYS_LISTED ? `; and ${keys.length - KEYS_LISTED} more` : '';
  return `${keys.length} key${keys.length === 1 ? '' : 's'}: ${listed}${more}`;
}

/**
 * Whether the token's signature verifies with a key of the set, as EKS's kube-apiserver checks it.
 *
 * @param token the ID token (a compact JWS)
 * @param jwks the issuer's JSON Web Key Set, as its `jwks_uri` serves it
 */
export function verifySignature(token: string, jwks: string): SignatureVerdict {
  try {
    return verifyUnsafe(token, jwks);
  } catch (error) {
    // Nothing above should throw; a bug must not become a crash of the caller.
    return { ok: false, keys: [], problems: [`signature: cannot be checked (${quoted(String((error as Error)?.message ?? error))}). Report this as a bug of cdk-eks-oidc`] };
  }
}

function verifyUnsafe(token: string, jwks: string): SignatureVerdict {
  if (typeof jwks !== 'string') {
    return { ok: false, keys: [], problems: [`JWKS: found ${typeof jwks}, expected the text of a JSON Web Key Set. Pass the body that the issuer's jwks_uri serves`] };
  }
  const set = readKeySet(jwks);
  const keys = set.keys.map(k => k.published);
  const parsed = readToken(token);
  if ('problem' in parsed) return { ok: false, keys, problems: [parsed.problem] };
  const { header, signingInput, signature } = parsed;
  const algorithm = typeof header.alg === 'string' ? header.alg : undefined;
  const keyId = typeof header.kid === 'string' ? header.kid : undefined;
  const names = `the token's header names alg ${quoted(algorithm)} and ${keyId ? `kid ${quoted(keyId)}` : 'no kid'}`;
  const refused = (problem: string): SignatureVerdict => ({ ok: false, keys, algorithm, keyId, problems: [problem] });

  // go-oidc verify.go:233: the algorithm first, before any key is looked at.
  if (algorithm !== SIGNING_ALGORITHM) {
    const fix = algorithm === 'none'
      ? 'An unsigned token is never accepted: use the ID token the identity provider signed'
      : algorithm !== undefined && /^HS/.test(algorithm)
        ? 'HMAC signs with a shared secret that kube-apiserver does not have: have the identity provider sign ID tokens with RS256 (an RSA key it publishes)'
        : 'Have the identity provider sign ID tokens with RS256, the only algorithm EKS accepts (EKS offers no --oidc-signing-algs)';
    return refused(`signature: ${names}; expected alg "${SIGNING_ALGORITHM}". ${fix}`);
  }
  if (set.problem !== undefined) return refused(`signature: ${names}, but ${set.problem}`);

  // go-oidc jwks.go:115: the keys with the header's kid, or all of them when it names none.
  const candidates = keyId ? set.keys.filter(k => k.published.kid === keyId) : set.keys;
  if (candidates.length === 0) {
    return refused(keyId
      ? `signature: ${names}; the issuer's JWKS has no key with that kid. It offers ${describeKeys(keys)}. `
        + 'Get a new token (the issuer may have rotated its keys), check that the token comes from this issuer, or publish the signing key'
      : `signature: ${names}; the issuer's JWKS has no keys. Publish the RSA public key the identity provider signs with at its jwks_uri`);
  }
  const crit = header.crit;
  const unknownCritical = crit !== undefined && crit !== null
    && (!Array.isArray(crit) || !crit.every(name => typeof name === 'string') || crit.some(name => name !== 'b64'));
  for (const key of candidates) {
    if (key.rsa === undefined || unknownCritical) continue;
    const modulusBytes = Math.ceil((key.rsa.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
    // Go's rsa.VerifyPKCS1v15 wants a signature exactly as long as the modulus; OpenSSL would pad a shorter one.
    if (signature.length !== modulusBytes) continue;
    if (verify('sha256', signingInput(header.b64 === false), key.rsa, signature)) {
      return { ok: true, keys, algorithm, keyId, problems: [], verifiedBy: key.published };
    }
  }
  if (unknownCritical) {
    return refused(`signature: ${names} and crit ${quoted(crit)}; go-jose understands only "b64" and refuses any other critical header. Have the identity provider drop crit`);
  }
  const tried = candidates.map(k => k.published);
  const usable = candidates.filter(k => k.rsa !== undefined);
  if (usable.length === 0) {
    const why = candidates.map(k => `${describeKey(k.published)}: ${k.unusable ?? 'not an RSA public key'}`).join('; ');
    return refused(`signature: ${names}; ${keyId ? 'no key with that kid' : 'no key of the set (the header names no kid, so kube-apiserver tries them all)'} `
      + `can verify an RS256 signature: ${truncate(why, 1200)}. Publish the RSA public key the identity provider signs with${keyId ? ' under that kid' : ''}`);
  }
  return refused(`signature: ${names}; it does not verify with ${keyId ? `the key${tried.length === 1 ? '' : 's'} of that kid` : `any of the keys kube-apiserver tries (the header names no kid, so all of them): ${describeKeys(tried)}`}`
    + `${keyId ? ` (${describeKeys(tried)})` : ''}. The token was altered after it was signed, or was signed by another key: `
    + 'use the token exactly as the identity provider issued it, from this issuer');
}

interface ParsedToken {
  readonly header: { [name: string]: unknown };
  /** The bytes go-jose verifies: the header and payload re-encoded (signing.go computeAuthData). */
  readonly signingInput: (unencodedPayload: boolean) => Buffer;
  readonly signature: Buffer;
}

/** go-jose's ParseSigned, for a compact JWS, behind go-oidc's checks. */
function readToken(token: unknown): ParsedToken | { problem: string } {
  if (typeof token !== 'string') return { problem: `token: found ${typeof token}, expected a JWT (a string)` };
  if (token.length > MAX_JWKS_BYTES) return { problem: `token: found ${token.length} characters, expected a JWT of at most ${MAX_JWKS_BYTES}. Pass the ID token itself` };
  const fix = 'Pass the ID token exactly as issued, as `kubectl oidc-login get-token` or the CI job prints it';
  // go-oidc verify.go:205 counts the dots before go-jose strips white space (jws.go:80, Go's unicode.IsSpace).
  if (token.split('.').length - 1 > 2) return { problem: `token: found ${token.split('.').length} parts, expected a JWT of three parts (header.payload.signature). ${fix}` };
  const compact = token.replace(/[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/g, '');
  if (compact.startsWith('{')) return { problem: `token: found JSON, expected a compact JWT (header.payload.signature). ${fix}` };
  const parts = compact.split('.');
  if (parts.length !== 3) return { problem: `token: found ${parts.length} part${parts.length === 1 ? '' : 's'}, expected a JWT of three parts (header.payload.signature). ${fix}` };
  const [headerBytes, payload, signature] = parts.map(rawBase64Url);
  if (headerBytes === undefined || payload === undefined || signature === undefined) {
    const which = headerBytes === undefined ? 'header' : payload === undefined ? 'payload' : 'signature';
    return { problem: `token: its ${which} is not unpadded base64url, which go-jose requires. ${fix}: no padding "=", no "+" or "/"` };
  }
  const headerText = headerBytes.toString('utf8');
  let header: unknown;
  try {
    header = headerBytes.length === 0 ? {} : JSON.parse(headerText);
  } catch {
    return { problem: `token: its header is not JSON. ${fix}` };
  }
  if (header === null) header = {};
  if (typeof header !== 'object' || Array.isArray(header)) return { problem: `token: its header is ${Array.isArray(header) ? 'an array' : typeof header}, expected a JSON object. ${fix}` };
  const duplicate = duplicateNames(headerText)[0];
  if (duplicate !== undefined) return { problem: `token: its header names ${quoted(duplicate.name)} twice, which go-jose refuses. Fix the identity provider's token signing` };
  const fields = header as { [name: string]: unknown };
  for (const name of ['alg', 'kid', 'nonce']) {
    if (fields[name] !== undefined && fields[name] !== null && typeof fields[name] !== 'string') {
      return { problem: `token: its header's ${name} is ${quoted(fields[name])}, expected a string, which go-jose requires. Fix the identity provider's token signing` };
    }
  }
  if (fields.jwk !== undefined && fields.jwk !== null) {
    const embedded = readKey(fields.jwk);
    if ('problem' in embedded) return { problem: `token: its header's jwk cannot be read by go-jose (${embedded.problem}). Fix the identity provider's token signing` };
  }
  if (fields.x5c !== undefined && fields.x5c !== null && certificates(fields.x5c) === undefined) {
    return { problem: 'token: its header\'s x5c is not a list of base64 DER certificates, which go-jose requires. Fix the identity provider\'s token signing' };
  }
  const encodedHeader = headerBytes.toString('base64url');
  return {
    header: fields,
    signature,
    signingInput: unencoded => Buffer.concat([Buffer.from(`${encodedHeader}.`), unencoded ? payload : Buffer.from(payload.toString('base64url'))]),
  };
}

/**
 * A key set as go-oidc v2 decodes it (jwks.go:213, `unmarshalResp` into `jose.JSONWebKeySet`):
 * encoding/json for the set, go-jose's JSON for each key.
 */
export function readKeySet(text: string): ReadKeySet {
  const cannot = (why: string, keys: ReadKey[] = []): ReadKeySet =>
    ({ keys, problem: `kube-apiserver cannot decode the issuer's JWKS, so it refuses every token: ${why}` });
  if (Buffer.byteLength(text) > MAX_JWKS_BYTES) return cannot(`it is over ${MAX_JWKS_BYTES} bytes (1 MiB), more than this check reads. Publish only the keys in use`);
  let set: unknown;
  try {
    set = JSON.parse(text);
  } catch {
    return cannot('it is not JSON. Serve the key set as JSON ({"keys": [...]}) at the jwks_uri');
  }
  if (set === null) return { keys: [] };
  if (typeof set !== 'object' || Array.isArray(set)) return cannot(`it is ${Array.isArray(set) ? 'an array' : `a ${typeof set}`}, not an object with "keys". Serve {"keys": [...]} at the jwks_uri`);
  // encoding/json matches the field case-insensitively; the last match wins.
  const fold = (name: string) => name.replace(/\u212A/g, 'k').replace(/\u017F/g, 's').toLowerCase();
  const list = Object.entries(set).filter(([name]) => fold(name) === 'keys' && /^[\x00-\x7F\u212A\u017F]*$/.test(name)).map(([, value]) => value).pop();
  if (list === undefined || list === null) return { keys: [] };
  if (!Array.isArray(list)) return cannot(`its "keys" is ${quoted(list)}, not a list. Serve {"keys": [...]} at the jwks_uri`);
  if (list.length > MAX_JWKS_KEYS) return cannot(`it holds ${list.length} keys, more than the ${MAX_JWKS_KEYS} this check reads. Publish only the keys in use`);
  const keys: ReadKey[] = [];
  // Duplicate names inside a key (go-jose's JSON); the set's own object is read by encoding/json.
  const duplicates = duplicateNames(text).filter(d => d.path.length === 2 && typeof d.path[0] === 'string' && fold(d.path[0]) === 'keys');
  for (const [index, element] of list.entries()) {
    const duplicate = duplicates.find(d => d.path[1] === index);
    const key = duplicate !== undefined ? { problem: `it names ${quoted(duplicate.name)} twice` } : readKey(element);
    if ('problem' in key) {
      const named = isObject(element) && typeof element.kid === 'string' ? ` (kid ${quoted(element.kid)})` : '';
      return cannot(`go-jose refuses its key #${index + 1}${named}: ${key.problem}. One unreadable key makes go-oidc v2 refuse the whole set: `
        + 'remove or fix that key', keys);
    }
    keys.push(key);
  }
  return { keys };
}

/** go-jose's JSONWebKey.UnmarshalJSON (jwk.go:165), with what Go can verify RS256 with. */
function readKey(element: unknown): ReadKey | { problem: string } {
  if (!isObject(element)) return { problem: `found ${element === null ? 'null' : Array.isArray(element) ? 'a list' : `a ${typeof element}`}, expected a JSON object` };
  const strings = ['use', 'kty', 'kid', 'crv', 'alg', 'k', 'x', 'y', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi', 'x5t', 'x5t#S256'];
  for (const name of strings) {
    if (element[name] !== undefined && element[name] !== null && typeof element[name] !== 'string') return { problem: `its ${name} is not a string` };
  }
  const field = (name: string) => typeof element[name] === 'string' ? element[name] as string : undefined;
  const published: PublishedKey = { kid: field('kid') || undefined, kty: field('kty') || undefined, alg: field('alg') || undefined, use: field('use') || undefined };
  // Base64url members: null is absent, "" present and empty (encoding.go byteBuffer.UnmarshalJSON).
  const bytes: { [name: string]: Buffer | undefined } = {};
  for (const name of ['k', 'x', 'y', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi']) {
    const value = field(name);
    if (value === undefined) continue;
    const decoded = rawBase64Url(value);
    if (decoded === undefined) return { problem: `its ${name} is not unpadded base64url` };
    bytes[name] = decoded;
  }
  if (element.x5u !== undefined && element.x5u !== null) return { problem: 'it has x5u, which go-jose v2 cannot read into a URL' };
  const x5c = element.x5c === undefined || element.x5c === null ? [] : certificates(element.x5c);
  if (x5c === undefined) return { problem: 'its x5c is not a list of base64 DER certificates' };

  let publicKey: KeyObject | undefined;
  let unusable: string | undefined;
  const isPrivate = bytes.d !== undefined;
  const kty = field('kty') ?? '';
  try {
    switch (kty) {
      case 'RSA': {
        if (bytes.n === undefined || bytes.e === undefined) return { problem: 'an RSA key needs n and e' };
        if (isPrivate && (bytes.p === undefined || bytes.q === undefined)) return { problem: 'an RSA private key needs p and q' };
        unusable = isPrivate ? 'it is a private key (d), which go-jose does not verify with; and a private key must never be published'
          : rsaProblem(bytes.n, bytes.e);
        try {
          publicKey = createPublicKey({ key: { kty: 'RSA', n: bytes.n.toString('base64url'), e: bytes.e.toString('base64url') }, format: 'jwk' });
        } catch {
          unusable ??= 'its n and e are not an RSA public key';
        }
        break;
      }
      case 'EC': {
        const sizes: { [crv: string]: number } = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };
        const size = sizes[field('crv') ?? ''];
        if (size === undefined) return { problem: `its crv ${quoted(field('crv'))} is not P-256, P-384 or P-521` };
        if (bytes.x?.length !== size || bytes.y?.length !== size) return { problem: `an EC key on ${field('crv')} needs x and y of ${size} bytes` };
        if (isPrivate && bytes.d?.length !== size) return { problem: `an EC private key on ${field('crv')} needs d of ${size} bytes` };
        try {
          publicKey = createPublicKey({ key: { kty: 'EC', crv: field('crv'), x: bytes.x.toString('base64url'), y: bytes.y.toString('base64url') }, format: 'jwk' });
        } catch {
          return { problem: 'its point is not on its curve' };
        }
        unusable = 'an EC key verifies ES256/ES384/ES512, not RS256';
        break;
      }
      case 'oct':
        if (x5c.length > 0) return { problem: 'a symmetric (oct) key cannot have a certificate chain' };
        if (bytes.k === undefined) return { problem: 'a symmetric (oct) key needs k' };
        unusable = 'a symmetric (oct) key verifies HMAC, not RS256';
        break;
      case 'OKP':
        if (field('crv') !== 'Ed25519' || bytes.x === undefined) return { problem: `go-jose v2 reads only Ed25519 OKP keys with x, found crv ${quoted(field('crv'))}` };
        if (isPrivate && bytes.d === undefined) return { problem: 'an Ed25519 private key needs d' };
        try {
          // go-jose copies x into 32 bytes, whatever its length.
          const x = Buffer.concat([bytes.x, Buffer.alloc(32)]).subarray(0, 32).toString('base64url');
          publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
        } catch {
          // compared with no certificate below
        }
        unusable = 'an Ed25519 key verifies EdDSA, not RS256';
        break;
      default:
        return { problem: `its kty ${quoted(field('kty'))} is not one go-jose v2 knows (RSA, EC, oct, OKP)` };
    }
  } catch {
    return { problem: `its ${kty} key cannot be read` };
  }
  if (x5c.length > 0 && publicKey !== undefined && !isPrivate) {
    const leaf = x5c[0].publicKey;
    if (leaf.type !== 'public' || !leaf.equals(publicKey)) return { problem: 'the key in its x5c certificate is not the key itself' };
  }
  for (const [name, hash, size] of [['x5t', 'sha1', 20], ['x5t#S256', 'sha256', 32]] as const) {
    const value = field(name);
    if (value === undefined || value === '') continue;
    let digest = rawBase64Url(value);
    if (digest === undefined) return { problem: `its ${name} is not unpadded base64url` };
    if (digest.length === 2 * size) {
      if (!/^[0-9a-fA-F]*$/.test(digest.toString('latin1'))) return { problem: `its ${name} is not hex` };
      digest = Buffer.from(digest.toString('latin1'), 'hex');
    }
    if (digest.length !== size) return { problem: `its ${name} is not a ${hash.toUpperCase()} digest` };
    if (x5c.length > 0 && !createHash(hash).update(x5c[0].raw).digest().equals(digest)) return { problem: `its ${name} is not the digest of its x5c certificate` };
  }
  return { published, isPrivate, ...(kty === 'RSA' && unusable === undefined ? { rsa: publicKey } : { unusable }) };
}

/** Why Go's crypto/rsa (Go 1.24 and later) refuses to verify with this public key, if it does. */
function rsaProblem(n: Buffer, e: Buffer): string | undefined {
  const modulus = BigInt(`0x${n.toString('hex') || '0'}`);
  const exponent = BigInt(`0x${e.toString('hex') || '0'}`);
  if (modulus.toString(2).length < 1024) return `its modulus has ${modulus === 0n ? 0 : modulus.toString(2).length} bits; Go refuses RSA keys under 1024 bits`;
  if (modulus % 2n === 0n) return 'its modulus is even';
  if (exponent < 2n || exponent > 2n ** 31n - 1n || exponent % 2n === 0n) return 'its exponent e is not an odd number from 3 to 2^31-1';
  return undefined;
}

/** Certificates of an x5c list (standard base64 DER), or undefined when go-jose cannot read them. */
function certificates(value: unknown): X509Certificate[] | undefined {
  if (!Array.isArray(value) || !value.every(v => typeof v === 'string')) return undefined;
  try {
    return value.map(v => {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) throw new Error('not base64');
      return new X509Certificate(Buffer.from(v, 'base64'));
    });
  } catch {
    return undefined;
  }
}

/** Go's base64.RawURLEncoding: the base64url alphabet, no padding, no dangling character. */
function rawBase64Url(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  return Buffer.from(text, 'base64url');
}

function isObject(value: unknown): value is { [name: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/**
 * The names that an object of this (valid) JSON text holds twice, as go-jose's JSON refuses them
 * (names compare after unescaping), each with the path of that object: `["keys", 2]` is the third
 * element of a top-level "keys".
 */
function duplicateNames(text: string): { path: (string | number)[]; name: string }[] {
  const found: { path: (string | number)[]; name: string }[] = [];
  // Each open object or list: the names seen (objects), the current member name or element index.
  const open: { names?: Set<string>; at: string | number }[] = [];
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = open[open.length - 1];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (expectName && top?.names !== undefined) {
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.names.has(name)) found.push({ path: open.slice(0, -1).map(o => o.at), name });
        top.names.add(name);
        top.at = name;
        expectName = false;
      }
      i = end;
    } else if (c === '{') {
      open.push({ names: new Set(), at: '' });
      expectName = true;
    } else if (c === '[') {
      open.push({ at: 0 });
    } else if (c === '}' || c === ']') {
      open.pop();
    } else if (c === ',') {
      if (top?.names !== undefined) expectName = true;
      else if (top !== undefined) top.at = (top.at as number) + 1;
    }
  }
  return found;
}

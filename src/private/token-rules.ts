import { TokenExplanation } from '../token-explanation';
import { escapeForTerminal } from './errors';
import { DEFAULT_USERNAME_CLAIM, groupsPrefixOf, usernamePrefixOf } from './kubernetes-names';
import { ResolvedOidc } from './resolved-oidc';

/**
 * kube-apiserver's OIDC authenticator, as EKS configures it from an identity provider config
 * (the `--oidc-*` flags), applied to a token without checking its signature. It follows the
 * code, not the docs, of what Kubernetes v1.36.3 (test/e2e/KUBERNETES_VERSION) builds:
 * - k8s.io/apiserver v0.36.3 plugin/pkg/authenticator/token/oidc/oidc.go: `untrustedIssuer` /
 *   `hasCorrectIssuer` (the `iss` check before any other), `claimResolver.expand` (distributed and
 *   aggregated groups), `getUsername` (`email_verified`), `getGroups` (`stringOrArray`), the
 *   required claims, and its `claims` type (`map[string]json.RawMessage`: exact keys, the last
 *   duplicate wins);
 * - the verifier it calls, github.com/coreos/go-oidc v2.5.0+incompatible (the version
 *   k8s.io/apiserver's go.mod requires, not go-oidc/v3): verify.go `Verify` (signing algorithm,
 *   `_claim_names`/`_claim_sources`, issuer with its Google exception, audience, expiry and
 *   not-before) and oidc.go (`idToken`, `claimSource`, `audience`, `jsonTime`);
 * - go-jose v2.6.3 (gopkg.in/go-jose/go-jose.v2) jws.go and shared.go for the header;
 * - Go's encoding/json for the types: struct fields match keys case-insensitively, every
 *   duplicate is decoded in turn (a null leaves a string as it was, resets a map or pointer),
 *   null reads into a string as "", and nothing nests deeper than 10000 levels.
 */

/** The settings the authenticator runs with. */
export type TokenSettings = ResolvedOidc;

/** go-oidc's leeway for `nbf` (verify.go:313); `exp` has none. */
const NOT_BEFORE_LEEWAY_SECONDS = 60n;
/** The only signing algorithm kube-apiserver accepts by default (`--oidc-signing-algs=RS256`), and EKS offers no other. */
const SIGNING_ALGORITHM = 'RS256';
/** go-oidc verify.go:18-19: a token of `https://accounts.google.com` may say `iss: "accounts.google.com"`. */
const GOOGLE_ISSUER = 'https://accounts.google.com';
const GOOGLE_ISSUER_NO_SCHEME = 'accounts.google.com';
/** Go's encoding/json `maxNestingDepth` (scanner.go): the payload object counts as one level. */
const MAX_JSON_DEPTH = 10000;
/** Unpadded base64url, as Go's `base64.RawURLEncoding` decodes it. */
const RAW_BASE64URL = /^[A-Za-z0-9_-]*$/;
/** A JSON number: what Go's `json.Number` accepts, also inside a string. */
const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Go's time package `unixToInternal`: seconds from year 1 to 1970, added to a Unix time (time.go). */
const UNIX_TO_INTERNAL = 62135596800n;
/** How much of a value a problem shows. */
const SHOWN_CHARACTERS = 200;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A member of a JSON object: its key, the JSON text of its value as the token spells it, and the value. */
interface Member {
  readonly key: string;
  readonly raw: string;
  readonly value: Json;
}

/**
 * A JSON object as Go's decoders see it: every member in order, duplicates included. Lookups
 * never reach Object.prototype (a claim named `constructor` is absent unless the token has it).
 */
class JsonObject {
  /** The object of a member whose value is one (its members read from its JSON text). */
  static of(member: Member): JsonObject | undefined {
    return isObject(member.value) ? new JsonObject(membersOf(member.raw)) : undefined;
  }

  private readonly exact = new Map<string, Member>();

  constructor(readonly members: Member[]) {
    for (const member of members) this.exact.set(member.key, member);
  }

  /** The member a Go map (`map[string]...`) holds for the key: the last with exactly this key. */
  get(key: string): Member | undefined {
    return this.exact.get(key);
  }

  /**
   * The members Go decodes, in turn, into a struct field tagged `name`: those whose key equals the
   * name under Unicode simple case folding (`K` also folds to the Kelvin sign, `s` to the long s).
   */
  field(name: string): Member[] {
    const fold = (key: string) => key.replace(/\u212A/g, 'k').replace(/\u017F/g, 's').toLowerCase();
    return this.members.filter(m => /^[\x00-\x7F\u212A\u017F]*$/.test(m.key) && fold(m.key) === name.toLowerCase());
  }
}

class Refusal {
  readonly problems: string[] = [];
  /** A problem; `found` is already shown (see `shown`), undefined when there is nothing. Characters that could mislead a reader are escaped. */
  add(claim: string, found: string | undefined, expected: string, fix: string): void {
    this.problems.push(escapeUnsafe(`${claim}: found ${found ?? 'nothing'}, expected ${expected}. ${fix}`));
  }
}

export function explainToken(settings: TokenSettings, token: string, nowMs: number): TokenExplanation {
  const refusal = new Refusal();
  const refused = (extra: Partial<TokenExplanation> = {}): TokenExplanation =>
    ({ accepted: false, groups: [], problems: refusal.problems, signatureChecked: false, ...extra });

  const parts = token.trim().split('.');
  if (parts.length !== 3) {
    refusal.add('token', `"${parts.length} part${parts.length === 1 ? '' : 's'}"`, 'a JWT of three base64url parts separated by "." (header.payload.signature)',
      'Pass the ID token itself, as `kubectl oidc-login get-token` or the CI job prints it, not an access token, a file name or a header');
    return refused();
  }
  const header = decodePart(parts[0]);
  const payload = decodePart(parts[1]);
  if (header === undefined || payload === undefined) {
    refusal.add('token', header === undefined ? '"a header"' : '"a payload"', 'unpadded base64url of a JSON object, as JWTs encode them',
      'Pass the token exactly as issued: no padding "=", no "+" or "/", no quotes or line breaks');
    return refused();
  }
  if (payload.depth > MAX_JSON_DEPTH) {
    // oidc.go untrustedIssuer cannot unmarshal it: the token is refused before anything else.
    refusal.add('token', `a payload nested ${payload.depth} levels deep`, `at most ${MAX_JSON_DEPTH} levels, as Go's encoding/json reads JSON`,
      'Fix the identity provider\'s claim mapping: no claim nests that deep');
    return refused();
  }
  headerRules(header.object, refusal);
  const claims = payload.object;

  // oidc.go untrustedIssuer and hasCorrectIssuer, then go-oidc verify.go:274-283: the same field.
  const iss = goString(claims, 'iss', refusal);
  const issuer = iss.value;
  if (iss.ok && issuer !== settings.issuerUrl && !(settings.issuerUrl === GOOGLE_ISSUER && issuer === GOOGLE_ISSUER_NO_SCHEME)) {
    const slash = issuer !== undefined && (issuer === `${settings.issuerUrl}/` || `${issuer}/` === settings.issuerUrl);
    refusal.add('iss', iss.shown, `exactly "${settings.issuerUrl}"`, slash
      ? 'The two differ only in a trailing "/", which matters: set issuerUrl to the token\'s "iss" byte for byte'
      : 'Use a token of this provider\'s issuer, or set issuerUrl to the "iss" of your tokens');
  }
  for (const name of ['sub', 'nonce', 'at_hash']) goString(claims, name, refusal);
  for (const member of claims.field('iat')) {
    if (goTime(member) === undefined) {
      refusal.add('iat', shown(member.raw), 'a number (of seconds since 1970), as OpenID Connect defines it',
        member.value === null ? 'Remove the claim or give it a time: go-oidc cannot read null as a time'
          : 'Fix the identity provider\'s claim mapping: kube-apiserver refuses a token whose standard claims have the wrong type');
      break;
    }
  }
  const distributed = distributedClaimRules(claims, refusal);

  const audiences = audiencesOf(claims, refusal);
  if (audiences !== null && (audiences === undefined || !audiences.includes(settings.clientId))) {
    const aud = claims.field('aud');
    refusal.add('aud', aud.length === 0 ? undefined : shown(aud[aud.length - 1].raw), `"${settings.clientId}" (a string, or a list of strings that contains it)`,
      'Request the token for this client ID: kubelogin\'s --oidc-client-id, GitHub\'s audience parameter, GitLab\'s id_tokens aud');
  }

  const expiresAt = timeRules(claims, nowMs, refusal);

  // kube-apiserver reads every other claim from its map of the payload: exact keys.
  const username = usernameOf(settings, claims, refusal);
  const groups = groupsOf(settings, claims, distributed, refusal);
  for (const [claim, expected] of Object.entries(settings.requiredClaims)) {
    const member = claims.get(claim);
    if (member === undefined || (member.value !== null && typeof member.value !== 'string') || (member.value ?? '') !== expected) {
      refusal.add(claim, member && shown(member.raw), `exactly "${expected}" (a required claim)`, 'Use a token that carries it, or change requiredClaims');
    }
  }

  if (refusal.problems.length > 0) return refused({ expiresAt, issuer });
  return { accepted: true, username, groups: groups ?? [], problems: [], expiresAt, issuer, signatureChecked: false };
}

/** go-jose's `rawHeader.sanitized` (shared.go): `alg`, `kid` and `nonce` are strings (or null); verify.go:228-235: the algorithm. */
function headerRules(header: JsonObject, refusal: Refusal): void {
  const alg = header.get('alg');
  if (alg?.value !== SIGNING_ALGORITHM) {
    refusal.add('alg (header)', alg && shown(alg.raw), `"${SIGNING_ALGORITHM}"`, 'Have the identity provider sign ID tokens with RS256, the only algorithm EKS accepts');
  }
  for (const name of ['kid', 'nonce']) {
    const member = header.get(name);
    if (member !== undefined && member.value !== null && typeof member.value !== 'string') {
      refusal.add(`${name} (header)`, shown(member.raw), 'a string, as JWS defines it', 'Fix the identity provider\'s token header: go-jose cannot read it');
    }
  }
}

/**
 * A string field of go-oidc's `idToken` (oidc.go:366-377; `iss` also in oidc.go untrustedIssuer):
 * every member is a string or null, and the last string is the value (a null leaves it as it was).
 */
function goString(claims: JsonObject, name: string, refusal: Refusal): { ok: boolean; value?: string; shown?: string } {
  const members = claims.field(name);
  const wrong = members.find(m => m.value !== null && typeof m.value !== 'string');
  if (wrong !== undefined) {
    refusal.add(name, shown(wrong.raw), 'a string, as OpenID Connect defines it',
      'Fix the identity provider\'s claim mapping: kube-apiserver refuses a token whose standard claims have the wrong type');
    return { ok: false };
  }
  const strings = members.filter(m => typeof m.value === 'string');
  const last = strings[strings.length - 1];
  return { ok: true, value: last?.value as string | undefined, shown: last !== undefined ? shown(last.raw) : members.length > 0 ? 'null' : undefined };
}

/**
 * go-oidc's `audience` (oidc.go:408-420), decoded from every `aud` member in turn: a string (null
 * is ""), or a list of strings (null items are ""). Undefined when there is none, null when a
 * member has the wrong type (a problem is added).
 */
function audiencesOf(claims: JsonObject, refusal: Refusal): string[] | undefined | null {
  let audiences: string[] | undefined;
  for (const member of claims.field('aud')) {
    const value = member.value;
    if (value === null || typeof value === 'string') {
      audiences = [value ?? ''];
    } else if (Array.isArray(value) && value.every(item => item === null || typeof item === 'string')) {
      audiences = value.map(item => item ?? '');
    } else {
      refusal.add('aud', shown(member.raw), 'a string or a list of strings, as OpenID Connect defines it',
        'Fix the identity provider\'s claim mapping: kube-apiserver refuses a token whose standard claims have the wrong type');
      return null;
    }
  }
  return audiences;
}

/**
 * A time as go-oidc's `jsonTime` reads it (oidc.go:424-442): a json.Number (a JSON number, or a
 * string holding one), taken with `Int64()`, else `Float64()` and `int64(f)`, then `time.Unix`.
 */
interface GoTime {
  /** The int64 go-oidc passes to time.Unix. */
  readonly unix: bigint;
  /** The seconds since year 1 Go's time holds, as int64 arithmetic wraps them (time.go `unixToInternal`). */
  readonly internal: bigint;
  /** Why Go's time is not the time the claim says: `int64(f)` overflows (amd64 gives the least int64; arm64 saturates, with the same verdicts), or time.Unix does. */
  readonly overflow?: 'float' | 'time';
}

/** The time of the member, or undefined when go-oidc cannot read it (`infinite` when only because the number overflows a float64). */
function goTime(member: Member): GoTime | undefined {
  const text = typeof member.value === 'string' ? member.value : typeof member.value === 'number' ? member.raw : undefined;
  if (text === undefined || !JSON_NUMBER.test(text)) return undefined;
  let unix: bigint;
  let overflow: GoTime['overflow'];
  // An int64 has at most 19 digits: longer integers go to the float path without a costly BigInt.
  const integer = text.length <= 20 && /^-?[0-9]+$/.test(text) ? BigInt(text) : undefined;
  if (integer !== undefined && integer >= INT64_MIN && integer <= INT64_MAX) {
    unix = integer;
  } else {
    // strconv.ParseFloat rounds as Number() does, and fails only beyond the largest float64.
    const float = Number(text);
    if (!Number.isFinite(float)) return undefined;
    if (float >= -(2 ** 63) && float < 2 ** 63) {
      unix = BigInt(Math.trunc(float));
    } else {
      unix = INT64_MIN;
      overflow = 'float';
    }
  }
  const internal = BigInt.asIntN(64, unix + UNIX_TO_INTERNAL);
  return { unix, internal, overflow: overflow ?? (internal !== unix + UNIX_TO_INTERNAL ? 'time' : undefined) };
}

/** `exp`, `nbf` as go-oidc checks them (verify.go:298-319); returns `expiresAt`. */
function timeRules(claims: JsonObject, nowMs: number, refusal: Refusal): string | undefined {
  const nowSeconds = BigInt(Math.floor(nowMs / 1000));
  const nowInternal = nowSeconds + UNIX_TO_INTERNAL;
  const nowHasFraction = nowMs % 1000 !== 0;
  const now = new Date(nowMs).toISOString();
  const unreadable = (name: string, member: Member) => refusal.add(name, shown(member.raw), 'a number of seconds since 1970',
    typeof member.value === 'number' || JSON_NUMBER.test(String(member.value))
      ? 'Fix the identity provider: go-oidc reads the number with strconv.ParseFloat, and this one overflows a 64-bit float'
      : 'Fix the identity provider: go-oidc cannot read this as a time');

  // A missing exp is Go's zero time (year 1); every exp member must read.
  const expMembers = claims.field('exp');
  let expiry: GoTime | undefined = { unix: -UNIX_TO_INTERNAL, internal: 0n };
  for (const member of expMembers) {
    expiry = goTime(member);
    if (expiry === undefined) {
      unreadable('exp', member);
      break;
    }
  }
  const last = expMembers[expMembers.length - 1];
  if (expiry !== undefined && (expiry.internal < nowInternal || (expiry.internal === nowInternal && nowHasFraction))) {
    refusal.add('exp', last && shown(last.raw), `a time after now (${now})`, last === undefined
      ? 'A token without exp never counts as valid: use an ID token, which has one'
      : expiry.overflow === 'float'
        ? 'go-oidc reads it as the int64 of a float, which overflows: Go holds no such time, and the token counts as expired. Give exp in seconds since 1970'
        : expiry.overflow === 'time'
          ? 'Go\'s time.Unix overflows with it: Go holds no such time, and the token counts as expired. Give exp in seconds since 1970'
          : `The token expired at ${isoOf(expiry.unix)}: get a new one`);
  }

  // A null nbf resets go-oidc's *jsonTime; a later member replaces an earlier one.
  let notBefore: GoTime | undefined;
  for (const member of claims.field('nbf')) {
    if (member.value === null) {
      notBefore = undefined;
      continue;
    }
    notBefore = goTime(member);
    if (notBefore === undefined) {
      unreadable('nbf', member);
      break;
    }
  }
  if (notBefore !== undefined && nowInternal + NOT_BEFORE_LEEWAY_SECONDS < notBefore.internal) {
    const nbf = claims.field('nbf');
    refusal.add('nbf', shown(nbf[nbf.length - 1].raw), `a time no later than a minute from now (${now})`,
      'The token is not valid yet: check the clocks of the identity provider and this machine');
  }
  return last !== undefined && expiry !== undefined && expiry.overflow === undefined ? isoOf(expiry.unix) : undefined;
}

/** What go-oidc and kube-apiserver made of `_claim_names` and `_claim_sources`. */
interface Distributed {
  /** go-oidc accepted them (verify.go:243-259). */
  readonly ok: boolean;
}

/**
 * go-oidc's `idToken.ClaimNames` (`map[string]string`) and `ClaimSources`
 * (`map[string]claimSource`, oidc.go:375-382), merged over their members as Go decodes them, and
 * verify.go:249-259: every claim name must have a non-empty source that `_claim_sources` has.
 * This holds for every token, with or without a groups claim configured.
 */
function distributedClaimRules(claims: JsonObject, refusal: Refusal): Distributed {
  const before = refusal.problems.length;
  const fix = 'Fix the identity provider\'s distributed claims (OpenID Connect Core 5.6.2): go-oidc refuses the token otherwise';
  const names = new Map<string, Member>();
  for (const member of claims.field('_claim_names')) {
    if (member.value === null) {
      names.clear();
      continue;
    }
    const object = JsonObject.of(member);
    if (object === undefined) {
      refusal.add('_claim_names', shown(member.raw), 'an object of claim names and source names, as OpenID Connect defines it', fix);
      continue;
    }
    for (const name of object.members) {
      if (name.value !== null && typeof name.value !== 'string') {
        refusal.add(`_claim_names.${quoted(name.key)}`, shown(name.raw), 'a string (the name of a source in _claim_sources)', fix);
      }
      names.set(name.key, name);
    }
  }
  const sources = new Set<string>();
  for (const member of claims.field('_claim_sources')) {
    if (member.value === null) {
      sources.clear();
      continue;
    }
    for (const source of claimSourceProblems(member, ['endpoint', 'access_token'], refusal)) sources.add(source);
  }
  if (refusal.problems.length === before) {
    for (const [claim, name] of names) {
      const source = (name.value ?? '') as string;
      if (source === '' || !sources.has(source)) {
        refusal.add(`_claim_names.${quoted(claim)}`, shown(name.raw), source === ''
          ? 'the name of a source in _claim_sources: go-oidc refuses an empty one ("failed to obtain source from claim name")'
          : `the name of a source in _claim_sources, which has no ${quoted(source)} (go-oidc: "source does not exist")`, fix);
      }
    }
  }
  return { ok: refusal.problems.length === before };
}

/**
 * The problems of a `_claim_sources` member decoded into a `map[string]<struct>` whose string
 * fields are `fields` (go-oidc's `claimSource`, oidc.go:379-382; kube-apiserver's `endpoint`,
 * oidc.go:648-662); returns the source names. Values are never shown: a source carries an access token.
 */
function claimSourceProblems(member: Member, fields: string[], refusal: Refusal): string[] {
  const fix = 'Fix the identity provider\'s distributed claims (OpenID Connect Core 5.6.2): kube-apiserver refuses the token otherwise';
  const object = JsonObject.of(member);
  if (object === undefined) {
    refusal.add('_claim_sources', typeName(member.value), 'an object of claim sources (source name: {"endpoint", "access_token"}), as OpenID Connect defines it', fix);
    return [];
  }
  for (const source of object.members) {
    if (source.value === null) continue;
    const sourceObject = JsonObject.of(source);
    if (sourceObject === undefined) {
      refusal.add(`_claim_sources.${quoted(source.key)}`, typeName(source.value), 'an object (with "endpoint" and "access_token" strings) or null', fix);
      continue;
    }
    for (const field of fields) {
      for (const value of sourceObject.field(field)) {
        if (value.value !== null && typeof value.value !== 'string') {
          refusal.add(`_claim_sources.${quoted(source.key)}.${value.key}`, typeName(value.value), 'a string, as OpenID Connect defines it', fix);
        }
      }
    }
  }
  return object.members.map(source => source.key);
}

function usernameOf(settings: TokenSettings, claims: JsonObject, refusal: Refusal): string | undefined {
  const claim = settings.usernameClaim ?? DEFAULT_USERNAME_CLAIM;
  const member = claims.get(claim);
  if (member === undefined || (member.value !== null && typeof member.value !== 'string')) {
    refusal.add(claim, member && shown(member.raw), 'a string (the username claim)', `Have the identity provider put "${claim}" in its ID tokens, or set usernameClaim to a claim they carry`);
    return undefined;
  }
  const verified = claims.get('email_verified');
  if (claim === 'email' && verified !== undefined && verified.value !== true) {
    refusal.add('email_verified', shown(verified.raw), 'true, or no email_verified claim (the username claim is email)',
      'Verify the user\'s e-mail address at the identity provider, or use another username claim');
  }
  // Go reads a JSON null into a string as "".
  return `${usernamePrefixOf(settings) ?? ''}${member.value ?? ''}`;
}

/** oidc.go getGroups (`stringOrArray`), after `claimResolver.expand` (oidc.go:742-796) when the token lacks the claim. */
function groupsOf(settings: TokenSettings, claims: JsonObject, distributed: Distributed, refusal: Refusal): string[] | undefined {
  const claim = settings.groupsClaim;
  if (!claim) return [];
  const member = claims.get(claim);
  if (member === undefined) {
    if (distributed.ok) expand(claim, claims, refusal);
    return [];
  }
  const value = member.value;
  // stringOrArray: a list of strings (null items are ""; null is no list), else a string.
  const values = value === null ? [] : typeof value === 'string' ? [value]
    : Array.isArray(value) && value.every(item => item === null || typeof item === 'string') ? value.map(item => item ?? '') : undefined;
  if (values === undefined) {
    refusal.add(claim, shown(member.raw), 'a string or a list of strings (the groups claim)', 'Fix the identity provider\'s groups claim mapping');
    return undefined;
  }
  return values.map(group => groupsPrefixOf(settings) + group);
}

/**
 * oidc.go `claimResolver.expand`, for a groups claim the token lacks (go-oidc's checks passed):
 * no groups, a problem, or a distributed claim to fetch, which cannot be judged offline.
 */
function expand(claim: string, claims: JsonObject, refusal: Refusal): void {
  const fix = 'Fix the identity provider\'s distributed claims (OpenID Connect Core 5.6.2): kube-apiserver refuses the token otherwise';
  const names = claims.get('_claim_names');
  if (names === undefined) return; // oidc.go:757-761: "No _claim_names, no keys to look up."
  const sources = claims.get('_claim_sources');
  if (sources === undefined) {
    // oidc.go:768-773, also for `_claim_names: null` or one that does not name the claim.
    refusal.add('_claim_sources', undefined, `the claim sources _claim_names refers to: kube-apiserver refuses a token with _claim_names, no _claim_sources and no "${claim}" claim ("oidc: no claim sources")`,
      `Have the identity provider put "${claim}" in the token itself, or remove _claim_names`);
    return;
  }
  // oidc.go:775-779: map[string]endpoint, whose JWT go-oidc did not read.
  const before = refusal.problems.length;
  if (sources.value !== null) claimSourceProblems(sources, ['JWT'], refusal);
  if (refusal.problems.length > before) return;
  const source = JsonObject.of(names)?.get(claim); // oidc.go:781-785
  if (source === undefined) return;
  const sourceName = (source.value ?? '') as string;
  const endpoint = JsonObject.of(sources)?.get(sourceName);
  if (endpoint === undefined) { // oidc.go:786-789
    refusal.add(`_claim_names.${quoted(claim)}`, shown(source.raw), `the name of a source in _claim_sources, which has no ${quoted(sourceName)}`, fix);
    return;
  }
  const url = JsonObject.of(endpoint)?.field('endpoint').filter(m => typeof m.value === 'string').pop()?.value;
  if (!url) return; // oidc.go:790-793: "This is maybe an aggregated claim": ignored, no groups.
  refusal.add(claim, undefined, 'the groups in the token itself', `The token refers to distributed claims (_claim_names): kube-apiserver would fetch "${claim}" `
    + 'from the source it names, which cannot be judged offline (Entra ID does this for users in more than 200 groups)');
}

/** A part of the token: strict unpadded base64url of a JSON object, with its nesting depth; or undefined. */
function decodePart(part: string): { object: JsonObject; depth: number } | undefined {
  if (!RAW_BASE64URL.test(part) || part.length % 4 === 1) return undefined;
  const text = goText(Buffer.from(part, 'base64url'));
  try {
    // JSON.parse validates (it does not recurse); the rest reads the text without recursion.
    if (!isObject(JSON.parse(text))) return undefined;
  } catch {
    return undefined;
  }
  const start = skipSpace(text, 0);
  return { object: new JsonObject(membersOf(text.slice(start, endOfValue(text, start)))), depth: depthOf(text) };
}

/**
 * JSON text as Go's encoding/json decodes its strings: each byte of an invalid UTF-8 sequence
 * becomes U+FFFD (utf8.DecodeRune consumes one byte; TextDecoder would replace a truncated
 * sequence as a whole), and so does each `\u` escape of a lone surrogate (decode.go unquote;
 * JSON.parse would keep it).
 */
function goText(bytes: Buffer): string {
  let text = '';
  let start = 0;
  for (let i = 0; i < bytes.length;) {
    const length = utf8SequenceLength(bytes, i);
    if (length > 0) {
      i += length;
      continue;
    }
    text += `${bytes.subarray(start, i).toString('utf8')}\uFFFD`;
    start = ++i;
  }
  text += bytes.subarray(start).toString('utf8');
  // Escapes from the left, so that an escaped backslash is never read as the start of one.
  return text.replace(/\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})|\\u(d[89a-f][0-9a-f]{2})|\\u[0-9a-f]{4}|\\[^u]/gi,
    (escape: string, _high?: string, _low?: string, lone?: string) => (lone ? '\\ufffd' : escape));
}

/** The length of the valid UTF-8 sequence at `i` (Go's utf8 acceptRanges: no overlong forms, no surrogates, nothing beyond U+10FFFF), or 0. */
function utf8SequenceLength(bytes: Buffer, i: number): number {
  const lead = bytes[i];
  const continuation = (j: number, low = 0x80, high = 0xbf) => j < bytes.length && bytes[j] >= low && bytes[j] <= high;
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return continuation(i + 1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    return continuation(i + 1, lead === 0xe0 ? 0xa0 : 0x80, lead === 0xed ? 0x9f : 0xbf) && continuation(i + 2) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    return continuation(i + 1, lead === 0xf0 ? 0x90 : 0x80, lead === 0xf4 ? 0x8f : 0xbf) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
  }
  return 0;
}

/* Readers of valid JSON text, without recursion (a value may nest thousands of levels). */

const JSON_SPACE = ' \t\n\r';

function skipSpace(text: string, i: number): number {
  while (i < text.length && JSON_SPACE.includes(text[i])) i++;
  return i;
}

/** The end of the string starting at `i`. */
function endOfString(text: string, i: number): number {
  for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
  return i + 1;
}

/** The end of the value starting at `i`. */
function endOfValue(text: string, i: number): number {
  if (text[i] === '"') return endOfString(text, i);
  if (text[i] === '{' || text[i] === '[') {
    for (let depth = 0; ; i++) {
      if (text[i] === '"') i = endOfString(text, i) - 1;
      else if (text[i] === '{' || text[i] === '[') depth++;
      else if ((text[i] === '}' || text[i] === ']') && --depth === 0) return i + 1;
    }
  }
  while (i < text.length && !',]}'.includes(text[i]) && !JSON_SPACE.includes(text[i])) i++;
  return i;
}

/** How deep the JSON text nests objects and arrays. */
function depthOf(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') i = endOfString(text, i) - 1;
    else if (text[i] === '{' || text[i] === '[') deepest = Math.max(deepest, ++depth);
    else if (text[i] === '}' || text[i] === ']') depth--;
  }
  return deepest;
}

/** The members of the JSON text of an object, in order. */
function membersOf(text: string): Member[] {
  const members: Member[] = [];
  let i = skipSpace(text, skipSpace(text, 0) + 1);
  while (text[i] === '"') {
    const keyEnd = endOfString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    const start = skipSpace(text, skipSpace(text, keyEnd) + 1);
    const end = endOfValue(text, start);
    const raw = text.slice(start, end);
    members.push({ key, raw, value: JSON.parse(raw) });
    i = skipSpace(text, end);
    if (text[i] === ',') i = skipSpace(text, i + 1);
  }
  return members;
}

/* How problems show values. */

/** The JSON text of a value as the token spells it, without spaces between tokens, cut short when long. */
function shown(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length && out.length <= SHOWN_CHARACTERS; i++) {
    if (raw[i] === '"') {
      const end = endOfString(raw, i);
      out += raw.slice(i, end);
      i = end - 1;
    } else if (!JSON_SPACE.includes(raw[i])) {
      out += raw[i];
    }
  }
  if (out.length <= SHOWN_CHARACTERS) return out;
  const cut = /[\uD800-\uDBFF]$/.test(out.slice(0, SHOWN_CHARACTERS)) ? SHOWN_CHARACTERS - 1 : SHOWN_CHARACTERS;
  return `${out.slice(0, cut)}… (${raw.length} characters)`;
}

/** A key or name as JSON spells it, cut short when long. */
const quoted = (text: string): string => shown(JSON.stringify(text));

/** What a value is, without showing it. */
function typeName(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value === 'string' ? 'a string' : typeof value === 'number' ? 'a number' : 'a boolean';
}

/**
 * Escapes, as `\uXXXX`, the characters of a problem that could mislead a reader or a terminal:
 * those of errors.ts `escapeForTerminal` (C1 controls, bidirectional and invisible formatting),
 * and what a token's JSON text or a setting may carry beyond them: C0 controls and DEL, line and
 * paragraph separators, other invisible characters, and lone surrogates.
 */
function escapeUnsafe(text: string): string {
  return escapeForTerminal(text).replace(/[\u0000-\u001F\u007F\u00AD\u180E\u2028\u2029\uFFF9-\uFFFB]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A Unix time as an ISO 8601 timestamp, as `Date.prototype.toISOString` writes it, for any int64
 * (years beyond 9999 with a sign and at least six digits, as ISO 8601's expanded years).
 */
function isoOf(seconds: bigint): string {
  const floorDiv = (a: bigint, b: bigint) => (a % b === 0n || a >= 0n ? a / b : a / b - 1n);
  const days = floorDiv(seconds, 86400n);
  const second = seconds - days * 86400n;
  // Howard Hinnant's civil_from_days.
  const z = days + 719468n;
  const era = floorDiv(z, 146097n);
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const day = doy - (153n * mp + 2n) / 5n + 1n;
  const month = mp < 10n ? mp + 3n : mp - 9n;
  const year = yoe + era * 400n + (month <= 2n ? 1n : 0n);
  const pad = (n: bigint, width: number) => n.toString().padStart(width, '0');
  const yearText = year >= 0n && year <= 9999n ? pad(year, 4) : `${year < 0n ? '-' : '+'}${pad(year < 0n ? -year : year, 6)}`;
  return `${yearText}-${pad(month, 2)}-${pad(day, 2)}T${pad(second / 3600n, 2)}:${pad(second % 3600n / 60n, 2)}:${pad(second % 60n, 2)}.000Z`;
}

const isObject = (value: Json | undefined): value is { [key: string]: Json } => typeof value === 'object' && value !== null && !Array.isArray(value);

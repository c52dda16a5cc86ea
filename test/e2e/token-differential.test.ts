// explainToken() against kube-apiserver itself: for several provider configurations, fast-check
// generates tokens signed by the test issuer, valid ones and ones broken in every way the rules
// know (claims missing, of the wrong type, of the wrong value; times past, future, in strings;
// another signing algorithm, HS256 with an HMAC secret, alg none; a token that is no JWT; signed by
// a key the issuer does not publish, under a kid it does not publish, or its payload changed after
// signing), sends each to the real server (SelfSubjectReview), and asserts that explainToken(),
// given the issuer's JWKS (what kube-apiserver fetches), agrees on every one: accepted exactly when
// the server accepts, and then with the same user name and groups. Every single break is sent once
// on its own, then the generated tokens. Generated times stay seconds away from the boundaries, so
// the two clocks cannot disagree. FC_SEED changes the run.
import { createHmac, generateKeyPairSync } from 'crypto';
import { isDeepStrictEqual } from 'util';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as fc from 'fast-check';
import { ApiServer } from './control-plane';
import { e2eEnvironment } from './environment';
import { IssuerProxy } from './issuer-proxy';
import { OidcIssuer as TestIssuer } from './oidc-issuer';
import { oidcFlagsOf } from './template';
import { OidcIdentityProvider, OidcIdentityProviderProps, OidcIssuer } from '../../src';

jest.setTimeout(300_000);

const CLIENT_ID = 'kubernetes';
const TOKENS_PER_CONFIGURATION = Number(process.env.DIFFERENTIAL_TOKENS ?? 150);
const SEED = Number(process.env.FC_SEED ?? 20261129);
/** Google's issuer host: its tokens may say `iss: "accounts.google.com"` (go-oidc v2 verify.go). Reached through the proxy (issuer-proxy.ts). */
const GOOGLE = 'accounts.google.com';
/** A distributed claim endpoint kube-apiserver fails to reach at once (nothing listens on port 1). */
const CLAIM_ENDPOINT = 'https://127.0.0.1:1/groups';
/** An RSA key the issuer does not publish. */
const STRANGER = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
/** The secret of HS256 tokens: kube-apiserver has none, and accepts RS256 only. */
const HMAC_SECRET = 'a-shared-secret-kube-apiserver-never-has';

interface Configuration {
  readonly name: string;
  /** The public host of the issuer URL, reached through the proxy; the local issuer's origin when absent. */
  readonly issuerHost?: string;
  readonly issuerPath: string;
  readonly props: Partial<OidcIdentityProviderProps>;
}

const CONFIGURATIONS: Configuration[] = [
  { name: 'sub with the issuer# prefix, groups', issuerPath: '/dex', props: { groupsClaim: 'groups' } },
  { name: 'email, groups prefix, a required claim', issuerPath: '/okta', props: { usernameClaim: 'email', groupsClaim: 'groups', groupsPrefix: 'okta:', requiredClaims: { hd: 'example.com' } } },
  {
    name: 'claims with ":", no username prefix, two required claims',
    issuerPath: '/cognito/',
    // an issuer URL with a trailing "/", as Auth0's
    props: { usernameClaim: 'cognito:username', usernamePrefix: '-', groupsClaim: 'cognito:groups', requiredClaims: { tier: 'prod', token_use: 'id' } },
  },
  {
    name: 'https://accounts.google.com (tokens may say iss "accounts.google.com"), email, a groups claim named "constructor"',
    issuerHost: GOOGLE,
    issuerPath: '',
    props: { usernameClaim: 'email', groupsClaim: 'constructor', requiredClaims: { hd: 'example.com' } },
  },
  {
    name: 'claims named like Object.prototype members: username "toString", groups "__proto__", required "hasOwnProperty"',
    issuerPath: '/prototype',
    props: { usernameClaim: 'toString', usernamePrefix: 'u:', groupsClaim: '__proto__', groupsPrefix: 'g:', requiredClaims: { hasOwnProperty: 'yes' } },
  },
];

/** The ways each part of a token can be broken; the first of each list keeps it valid. */
const BREAKS = {
  iss: ['keep', 'slash', 'other', 'missing', 'number', 'null', 'upper-key', 'no-scheme', 'upper-null', 'upper-number'],
  aud: ['keep', 'list-with', 'list-without', 'other', 'missing', 'number', 'null', 'list-number', 'list-null', 'upper-other'],
  exp: ['keep', 'past', 'missing', 'string', 'bad-string', 'float', 'null', 'bool', 'year-318857', 'year-318857-string', 'microseconds',
    'int64-overflow', 'float-overflow', 'float64-overflow', 'float64-overflow-string', 'time-overflow', 'last-second', 'underflow', 'upper-past'],
  nbf: ['absent', 'within', 'beyond', 'past', 'string', 'null', 'float-overflow', 'time-overflow', 'year-318857', 'upper-null'],
  iat: ['keep', 'null', 'string', 'bad-string', 'missing', 'float64-overflow'],
  sub: ['keep', 'missing', 'null', 'number'],
  username: ['keep', 'missing', 'null', 'number', 'empty', 'unicode', 'controls', 'lone-surrogates', 'invalid-utf8'],
  emailVerified: ['true', 'false', 'missing', 'string', 'null'],
  groups: ['list', 'string', 'missing', 'null', 'list-number', 'number', 'empty', 'list-null', 'nested'],
  required: ['keep', 'missing', 'wrong', 'null', 'number'],
  // _claim_names and _claim_sources (go-oidc v2 verify.go, oidc.go claimResolver.expand); all but the last drop the groups claim.
  distributed: ['none', 'aggregated', 'empty-endpoint', 'null-source', 'endpoint', 'names-empty', 'names-null', 'names-other',
    'missing-source', 'empty-source-name', 'null-source-name', 'endpoint-number', 'access-token-list', 'jwt-number', 'source-list',
    'sources-string', 'upper-names', 'upper-sources', 'with-groups'],
  extra: ['none', 'deep', 'too-deep', 'proto-key'],
  kid: ['keep', 'number', 'null'],
  alg: ['RS256', 'HS256', 'none'],
  // The signature: by a key the issuer does not publish (under its kid), under a kid it does not publish, the payload changed after signing.
  signature: ['keep', 'stranger', 'wrong-kid', 'tampered'],
  shape: ['jwt', 'two-parts', 'padded', 'not-json'],
} as const;
type Part = keyof typeof BREAKS;
type Mutations = { [P in Part]: (typeof BREAKS)[P][number] } & { seconds: number };
const PARTS = Object.keys(BREAKS) as Part[];

/**
 * A token's mutations: none for about a third of the tokens, one part changed for another third, two or three for the rest;
 * and, for a quarter of them whatever else changed, a broken signature.
 */
const mutations: fc.Arbitrary<Mutations> = fc.record({
  changed: fc.oneof(
    { weight: 3, arbitrary: fc.constant([] as Part[]) },
    { weight: 3, arbitrary: fc.subarray(PARTS, { minLength: 1, maxLength: 1 }) },
    { weight: 3, arbitrary: fc.subarray(PARTS, { minLength: 2, maxLength: 3 }) }),
  choices: fc.record(Object.fromEntries(PARTS.map(part => [part, fc.constantFrom(...BREAKS[part])])) as { [P in Part]: fc.Arbitrary<string> }),
  seconds: fc.integer({ min: 5, max: 3000 }),
  signature: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...BREAKS.signature.slice(1)) }),
}).map(({ changed, choices, seconds, signature }) => ({
  ...Object.fromEntries(PARTS.map(part => [part, changed.includes(part) ? choices[part] : BREAKS[part][0]])),
  ...signature !== undefined ? { signature } : {},
  seconds,
}) as Mutations);

/**
 * A claim value written into the token's JSON as the given text: number literals JavaScript cannot
 * hold (1e309, 9223372036854775807) and nesting too deep to compare. The claims keep the marker.
 */
const raw = (json: string) => `@raw(${json})@`;
const nested = (depth: number) => raw(`${'['.repeat(depth)}${']'.repeat(depth)}`);
const own = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);
/** Bytes written into a JSON string of the token as they are (invalid UTF-8): the claims keep the marker. */
const bytes = (hex: string) => `@bytes(${hex})@`;

/** The claims of a token for the configuration, broken as the mutations say. */
function claimsOf(config: Configuration, issuerUrl: string, m: Mutations): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const usernameClaim = config.props.usernameClaim ?? 'sub';
  const groupsClaim = config.props.groupsClaim!;
  const claims: Record<string, unknown> = {};
  // Own properties, also for keys such as "__proto__" (an assignment would set the prototype).
  const put = (key: string, value: unknown) => Object.defineProperty(claims, key, { value, enumerable: true, writable: true, configurable: true });
  for (const [key, value] of Object.entries({ iss: issuerUrl, aud: CLIENT_ID, sub: 'user-0a1b', exp: now + 600, iat: now })) put(key, value);
  const set = (key: string, how: string, valid: unknown, broken: Record<string, unknown>) => {
    if (how === 'missing') delete claims[key];
    else put(key, own(broken, how) ? broken[how] : valid);
  };
  set('iss', m.iss, issuerUrl, {
    'slash': `${issuerUrl}/`, 'other': 'https://other.example.com', 'number': 7, 'null': null, 'upper-key': undefined, 'no-scheme': issuerUrl.replace(/^https:\/\//, ''),
  });
  if (m.iss === 'upper-key') {
    delete claims.iss;
    put('ISS', issuerUrl);
  }
  // Go decodes every key that matches a struct field case-insensitively, in turn: a null leaves a string as it was.
  if (m.iss === 'upper-null') put('ISS', null);
  if (m.iss === 'upper-number') put('ISS', 7);
  set('aud', m.aud, CLIENT_ID, {
    'list-with': ['other', CLIENT_ID],
    'list-without': ['other'],
    'other': 'other',
    'number': 1,
    'null': null,
    'list-number': [CLIENT_ID, 1],
    'list-null': [CLIENT_ID, null],
  });
  if (m.aud === 'upper-other') put('Aud', 'other');
  set('exp', m.exp, now + 600, {
    'past': now - m.seconds,
    'string': String(now + 600),
    'bad-string': 'tomorrow',
    'float': now + m.seconds + 0.75,
    'null': null,
    'bool': true,
    // go-oidc's jsonTime: Int64(), else int64(Float64()), then time.Unix
    'year-318857': 9999999999999,
    'year-318857-string': '9999999999999',
    'microseconds': now * 1_000_000,
    'int64-overflow': raw('9223372036854775808'),
    'float-overflow': raw('1e20'),
    'float64-overflow': raw('1e309'),
    'float64-overflow-string': '1e309',
    'time-overflow': raw('9223372036854775807'),
    'last-second': raw('9223371974719179007'),
    'underflow': raw('1e-400'),
  });
  if (m.exp === 'upper-past') put('EXP', now - m.seconds);
  if (m.nbf !== 'absent') {
    const nbf = {
      'within': now + Math.min(m.seconds, 50),
      'beyond': now + 65 + m.seconds,
      'past': now - m.seconds,
      'string': String(now - 10),
      'null': null,
      'float-overflow': raw('1e20'),
      'time-overflow': raw('9223372036854775807'),
      'year-318857': 9999999999999,
      'upper-null': now + 65 + m.seconds,
    };
    put('nbf', nbf[m.nbf]);
    if (m.nbf === 'upper-null') put('NBF', null);
  }
  set('iat', m.iat, now, { 'null': null, 'string': String(now), 'bad-string': 'now', 'float64-overflow': raw('1e309') });
  set('sub', m.sub, 'user-0a1b', { null: null, number: 42 });
  const usernames = {
    'null': null,
    'number': 42,
    'empty': '',
    'unicode': 'jürgen ☃ 日本',
    'controls': 'ev\u202eil\u0085\u2066x',
    // Go decodes both to U+FFFD: each lone surrogate escape, each byte of a broken UTF-8 sequence (e2 82: a truncated "€")
    'lone-surrogates': 'a\ud800b\udc00c',
    'invalid-utf8': `a${bytes('e282')}b${bytes('f09f98eda080ff')}c`,
  };
  if (usernameClaim !== 'sub') {
    set(usernameClaim, m.username, usernameClaim === 'email' ? 'alice@example.com' : 'alice', usernames);
  } else if (m.username !== 'keep' && m.sub === 'keep') {
    set('sub', m.username, 'user-0a1b', usernames);
  }
  if (usernameClaim === 'email') set('email_verified', m.emailVerified, true, { false: false, string: 'true', null: null });
  set(groupsClaim, m.groups, ['platform', 'sre'], {
    'string': 'platform', 'null': null, 'list-number': ['platform', 3], 'number': 3, 'empty': [], 'list-null': ['platform', null], 'nested': nested(5000),
  });
  for (const [claim, value] of Object.entries(config.props.requiredClaims ?? {})) {
    set(claim, m.required, value, { wrong: `${value}-not`, null: null, number: 5 });
  }
  const distributed: Record<string, [unknown, unknown]> = {
    'aggregated': [{ [groupsClaim]: 'src1' }, { src1: { JWT: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' } }],
    'empty-endpoint': [{ [groupsClaim]: 'src1' }, { src1: { endpoint: '', access_token: 'secret' } }],
    'null-source': [{ [groupsClaim]: 'src1' }, { src1: null }],
    'endpoint': [{ [groupsClaim]: 'src1' }, { src1: { endpoint: CLAIM_ENDPOINT, access_token: 'secret' } }],
    'names-empty': [{}, undefined],
    'names-null': [null, undefined],
    'names-other': [{ roles: 'src1' }, { src1: { endpoint: CLAIM_ENDPOINT } }],
    'missing-source': [{ [groupsClaim]: 'src9' }, { src1: { endpoint: CLAIM_ENDPOINT } }],
    'empty-source-name': [{ [groupsClaim]: '' }, { '': { JWT: 'x' } }],
    'null-source-name': [{ [groupsClaim]: null }, { '': null }],
    'endpoint-number': [{ [groupsClaim]: 'src1' }, { src1: { endpoint: 5 } }],
    'access-token-list': [{ [groupsClaim]: 'src1' }, { src1: { endpoint: CLAIM_ENDPOINT, access_token: ['secret'] } }],
    'jwt-number': [{ [groupsClaim]: 'src1' }, { src1: { JWT: 5 } }],
    'source-list': [{ [groupsClaim]: 'src1' }, { src1: [] }],
    'sources-string': [{ [groupsClaim]: 'src1' }, CLAIM_ENDPOINT],
    'upper-names': [undefined, { src1: { endpoint: CLAIM_ENDPOINT } }],
    'upper-sources': [{ roles: 'src1' }, undefined],
    'with-groups': [{ [groupsClaim]: 'src1' }, undefined],
  };
  if (m.distributed !== 'none') {
    if (m.distributed !== 'with-groups') delete claims[groupsClaim];
    const [names, sources] = distributed[m.distributed];
    if (names !== undefined) put('_claim_names', names);
    if (sources !== undefined) put('_claim_sources', sources);
    if (m.distributed === 'upper-names') put('_CLAIM_NAMES', { [groupsClaim]: 'src1' });
    if (m.distributed === 'upper-sources') put('_CLAIM_SOURCES', { src1: null });
  }
  // Unrelated claims: nested 5000 levels, the payload 10001 levels deep (beyond Go's encoding/json), a "__proto__" key.
  if (m.extra === 'deep') put('x-deep', nested(5000));
  if (m.extra === 'too-deep') put('x-deep', nested(10000));
  if (m.extra === 'proto-key') put('__proto__', { email_verified: false, [groupsClaim]: ['proto'] });
  return claims;
}

/**
 * The encoded token: signed by the test issuer (RS256 with its key; HS256 with an HMAC secret; alg
 * none unsigned), in the shape and with the algorithm and signature the mutations say.
 */
function tokenOf(issuer: TestIssuer, claims: Record<string, unknown>, m: Mutations): string {
  const kid = m.signature === 'wrong-kid' ? 'rotated-away' : m.kid === 'number' ? 5 : m.kid === 'null' ? null : issuer.kid;
  const header = Buffer.from(JSON.stringify({ alg: m.alg, typ: 'JWT', kid })).toString('base64url');
  const json = JSON.stringify(claims).replace(/"@raw\((.*?)\)@"/g, '$1');
  const encoded = (text: string) => Buffer.concat(text.split(/@bytes\(([0-9a-f]*)\)@/).map((piece, i) => Buffer.from(piece, i % 2 === 1 ? 'hex' : 'utf8')));
  const payloadOf = (text: string) => (m.shape === 'padded' ? encoded(text).toString('base64') : m.shape === 'not-json'
    ? encoded(text.slice(0, -1)).toString('base64url') : encoded(text).toString('base64url'));
  const unsigned = `${header}.${payloadOf(json)}`;
  const signature = m.alg === 'HS256' ? createHmac('sha256', HMAC_SECRET).update(unsigned).digest('base64url')
    : m.alg === 'none' ? '' : issuer.sign(unsigned, m.signature === 'stranger' ? STRANGER : undefined).split('.')[2];
  // Tampered: the same claims, written with a space more after signing (Go's JSON reads them the same).
  const payload = m.signature === 'tampered' ? payloadOf(`${json} `) : unsigned.split('.')[1];
  const token = `${header}.${payload}.${signature}`;
  return m.shape === 'two-parts' ? token.split('.').slice(0, 2).join('.') : token;
}

const env = e2eEnvironment('differential', [GOOGLE]);
/** Per configuration: tokens compared, accepted, with a broken signature, refused for the signature alone, disagreements, milliseconds. */
const compared: Array<{
  configuration: string; tokens: number; accepted: number; signatureBroken: number; onlyBySignature: number; disagreements: number; ms: number;
}> = [];
let proxy: IssuerProxy;

beforeAll(async () => {
  proxy = await IssuerProxy.start([GOOGLE], env.issuer.port);
});

afterAll(async () => {
  await proxy?.stop();
});

afterAll(() => {
  const total = compared.reduce((sum, c) => sum + c.tokens, 0);
  const disagreements = compared.reduce((sum, c) => sum + c.disagreements, 0);
  const signatureBroken = compared.reduce((sum, c) => sum + c.signatureBroken, 0);
  const onlyBySignature = compared.reduce((sum, c) => sum + c.onlyBySignature, 0);
  // The figure the README reports: how many tokens were compared (judged with the issuer's JWKS), and how long it took.
  console.log(`differential: ${total} tokens compared with kube-apiserver (${signatureBroken} with a broken signature, alg or kid; `
    + `${onlyBySignature} refused for their signature alone, which the judge without keys accepts), ${disagreements} disagreements\n`
    + JSON.stringify(compared, undefined, 1));
});

describe.each(CONFIGURATIONS)('$name', (config) => {
  let server: ApiServer;
  let provider: OidcIdentityProvider;
  let issuerUrl: string;

  beforeAll(async () => {
    issuerUrl = (config.issuerHost ? `https://${config.issuerHost}` : env.issuer.origin) + config.issuerPath;
    if (config.issuerPath.endsWith('/')) env.issuer.addSlashIssuer(config.issuerPath.slice(0, -1));
    const stack = new Stack(new App(), 'Differential', { env: { account: '111111111111', region: 'eu-west-1' } });
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'e2e' });
    provider = new OidcIdentityProvider(stack, 'Provider', { cluster, issuer: OidcIssuer.fromUrl(issuerUrl), clientId: CLIENT_ID, ...config.props });
    server = await ApiServer.start(env.binaries.kubeApiServer, env.pki, env.etcd, oidcFlagsOf(Template.fromStack(stack).toJSON()), `differential-${CONFIGURATIONS.indexOf(config)}`,
      config.issuerHost ? { ...process.env, HTTPS_PROXY: proxy.url, https_proxy: proxy.url, NO_PROXY: '', no_proxy: '' } : undefined);
    const valid = { ...Object.fromEntries(PARTS.map(part => [part, BREAKS[part][0]])), seconds: 5 } as Mutations;
    await server.waitForAuthentication(tokenOf(env.issuer, claimsOf(config, issuerUrl, valid), valid));
  });

  afterAll(async () => {
    await server?.stop();
  });

  test(`explainToken with the issuer's JWKS agrees with kube-apiserver on every single break and ${TOKENS_PER_CONFIGURATION} generated tokens`, async () => {
    const started = Date.now();
    const valid = { ...Object.fromEntries(PARTS.map(part => [part, BREAKS[part][0]])), seconds: 30 } as Mutations;
    const singleBreaks = PARTS.flatMap(part => BREAKS[part].slice(1).map(how => ({ ...valid, [part]: how }) as Mutations));
    const cases = [...singleBreaks, ...fc.sample(mutations, { numRuns: TOKENS_PER_CONFIGURATION, seed: SEED + CONFIGURATIONS.indexOf(config) })];
    let accepted = 0;
    let signatureBroken = 0;
    let onlyBySignature = 0;
    const disagreements: unknown[] = [];
    // The keys kube-apiserver verifies with: what the issuer serves at its jwks_uri.
    const jwks = env.issuer.jwks;
    for (const m of cases) {
      const claims = claimsOf(config, issuerUrl, m);
      const token = tokenOf(env.issuer, claims, m);
      const response = await server.request(token, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
      const explanation = provider.explainToken(token, { jwks });
      if (!explanation.signatureChecked) throw new Error('the signature was not checked');
      const user = response.body?.status?.userInfo;
      // UserInfo's fields are omitempty: an empty user name comes back as no field.
      const theirs = response.status === 201
        ? { accepted: true, username: user.username ?? '', groups: (user.groups as string[] ?? []).filter(g => g !== 'system:authenticated') }
        : { accepted: false, status: response.status };
      const ours = explanation.accepted
        ? { accepted: true, username: explanation.username, groups: explanation.groups }
        : { accepted: false, status: 401 };
      // On a disagreement: the mutations and claims, the server's answer and ours.
      if (!isDeepStrictEqual(ours, theirs)) disagreements.push({ m, claims, ours, theirs, problems: explanation.problems });
      if (explanation.accepted) accepted++;
      if (m.signature !== 'keep' || m.alg !== 'RS256') signatureBroken++;
      if (!explanation.accepted && provider.explainToken(token).accepted) onlyBySignature++;
    }
    const ms = Date.now() - started;
    compared.push({
      configuration: config.name, tokens: cases.length, accepted, signatureBroken, onlyBySignature, disagreements: disagreements.length, ms,
    });
    expect(disagreements.slice(0, 3)).toEqual([]);
    // The generator reaches both answers often.
    expect(accepted).toBeGreaterThan(cases.length / 10);
    expect(accepted).toBeLessThan(cases.length * 0.9);
  });
});

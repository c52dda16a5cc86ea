import { Lazy, Token } from 'aws-cdk-lib';
import { OidcIdentityProvider, OidcIdentityProviderProps, OidcIssuer, OidcSettings, TokenJudge } from '../src';
import { errorOf, ISSUER, newStack, provider } from './util';

const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);
const SECONDS = NOW / 1000;
const ARN = 'arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/okta/0ab1';

const part = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
/** An encoded JWT with the given claims on top of valid ones (a claim given as undefined is left out). */
function jwt(claims: Record<string, unknown> = {}, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }) {
  const payload = Object.fromEntries(Object.entries({ iss: ISSUER, aud: 'kubernetes', sub: 'alice', exp: SECONDS + 600, iat: SECONDS, ...claims })
    .filter(([, v]) => v !== undefined));
  return `${part(header)}.${part(payload)}.c2lnbmF0dXJl`;
}

const explain = (token: string, props: Partial<OidcIdentityProviderProps> = {}) => provider(newStack(), props).explainToken(token);

beforeEach(() => {
  jest.useFakeTimers({ now: NOW });
});
afterEach(() => {
  jest.useRealTimers();
});

describe('accepted tokens: the user and groups', () => {
  test('the default claim and prefix', () => {
    expect(explain(jwt())).toEqual({
      accepted: true, signatureChecked: false, username: `${ISSUER}#alice`, groups: [], problems: [], issuer: ISSUER, expiresAt: new Date((SECONDS + 600) * 1000).toISOString(),
    });
  });

  test.each<[string, Partial<OidcIdentityProviderProps>, Record<string, unknown>, string, string[]]>([
    ['email, verified', { usernameClaim: 'email' }, { email: 'alice@example.com', email_verified: true }, 'alice@example.com', []],
    ['email without email_verified', { usernameClaim: 'email' }, { email: 'alice@example.com' }, 'alice@example.com', []],
    ['"-": no prefix', { usernamePrefix: '-' }, {}, 'alice', []],
    ['groups as a list, prefixed', { groupsClaim: 'groups', groupsPrefix: 'oidc:' }, { groups: ['a', 'b'] }, `${ISSUER}#alice`, ['oidc:a', 'oidc:b']],
    ['groups as a string', { groupsClaim: 'groups' }, { groups: 'a' }, `${ISSUER}#alice`, ['a']],
    ['groups null: none', { groupsClaim: 'groups' }, { groups: null }, `${ISSUER}#alice`, []],
    ['no groups claim in the token: none', { groupsClaim: 'groups' }, {}, `${ISSUER}#alice`, []],
    ['a claim name with ":" and unicode values', { usernameClaim: 'cognito:username', usernamePrefix: '-', groupsClaim: 'cognito:groups' },
      { 'cognito:username': 'jürgen ☃', 'cognito:groups': ['équipe'] }, 'jürgen ☃', ['équipe']],
    ['a null username claim is the empty string', { usernamePrefix: 'oidc:' }, { sub: null }, 'oidc:', []],
    ['aud as a list that contains the client id', {}, { aud: ['other', 'kubernetes'] }, `${ISSUER}#alice`, []],
    ['required claims', { requiredClaims: { hd: 'example.com' } }, { hd: 'example.com' }, `${ISSUER}#alice`, []],
    ['exp exactly now (no leeway, but not before now)', {}, { exp: SECONDS }, `${ISSUER}#alice`, []],
    ['exp as a string of digits (Go reads it as a json.Number)', {}, { exp: String(SECONDS + 60) }, `${ISSUER}#alice`, []],
    ['nbf within the minute of leeway', {}, { nbf: SECONDS + 60 }, `${ISSUER}#alice`, []],
    ['standard claims matched case-insensitively, as Go does', {}, { iss: undefined, ISS: ISSUER }, `${ISSUER}#alice`, []],
  ])('%s', (_, props, claims, username, groups) => {
    const result = explain(jwt(claims), props);
    expect(result.problems).toEqual([]);
    expect([result.accepted, result.username, result.groups]).toEqual([true, username, groups]);
  });
});

describe('refused tokens: each problem names the claim, the value, what was expected and the fix', () => {
  test.each<[string, Partial<OidcIdentityProviderProps>, Record<string, unknown>, string]>([
    ['another issuer', {}, { iss: 'https://other.example.com' },
      `iss: found "https://other.example.com", expected exactly "${ISSUER}". Use a token of this provider's issuer, or set issuerUrl to the "iss" of your tokens`],
    ['a trailing slash', {}, { iss: `${ISSUER}/` },
      `iss: found "${ISSUER}/", expected exactly "${ISSUER}". The two differ only in a trailing "/", which matters: set issuerUrl to the token's "iss" byte for byte`],
    ['aud of another client', {}, { aud: 'other' }, 'aud: found "other", expected "kubernetes" (a string, or a list of strings that contains it). '
      + 'Request the token for this client ID: kubelogin\'s --oidc-client-id, GitHub\'s audience parameter, GitLab\'s id_tokens aud'],
    ['aud a list without it', {}, { aud: ['a', 'b'] }, 'aud: found ["a","b"], expected "kubernetes"'],
    ['expired a second ago', {}, { exp: SECONDS - 1 }, `exp: found ${SECONDS - 1}, expected a time after now (${new Date(NOW).toISOString()}). `
      + `The token expired at ${new Date(NOW - 1000).toISOString()}: get a new one`],
    ['no exp', {}, { exp: undefined }, 'exp: found nothing, expected a time after now'],
    ['exp not a number', {}, { exp: 'tomorrow' }, 'exp: found "tomorrow", expected a number of seconds since 1970'],
    ['nbf beyond the leeway', {}, { nbf: SECONDS + 61 }, `nbf: found ${SECONDS + 61}, expected a time no later than a minute from now`],
    ['no username claim', { usernameClaim: 'email' }, {}, 'email: found nothing, expected a string (the username claim). '
      + 'Have the identity provider put "email" in its ID tokens, or set usernameClaim to a claim they carry'],
    ['a username claim that is no string', { usernameClaim: 'preferred_username' }, { preferred_username: 42 }, 'preferred_username: found 42, expected a string'],
    ['a standard claim of the wrong type', {}, { nonce: 7 }, 'nonce: found 7, expected a string, as OpenID Connect defines it'],
    ['email not verified', { usernameClaim: 'email' }, { email: 'a@example.com', email_verified: false }, 'email_verified: found false, expected true, or no email_verified claim'],
    ['email_verified as a string', { usernameClaim: 'email' }, { email: 'a@example.com', email_verified: 'true' }, 'email_verified: found "true", expected true'],
    ['a required claim missing', { requiredClaims: { hd: 'example.com' } }, {}, 'hd: found nothing, expected exactly "example.com" (a required claim)'],
    ['a required claim wrong', { requiredClaims: { hd: 'example.com' } }, { hd: 'evil.com' }, 'hd: found "evil.com", expected exactly "example.com"'],
    ['groups with a number', { groupsClaim: 'groups' }, { groups: ['a', 1] }, 'groups: found ["a",1], expected a string or a list of strings'],
    ['groups only as distributed claims', { groupsClaim: 'groups' }, { _claim_names: { groups: 'src1' }, _claim_sources: { src1: { endpoint: 'https://graph.example.com' } } },
      'groups: found nothing, expected the groups in the token itself. The token refers to distributed claims (_claim_names): kube-apiserver would fetch "groups" '
      + 'from the source it names, which cannot be judged offline'],
  ])('%s', (_, props, claims, problem) => {
    const result = explain(jwt(claims), props);
    expect(result.accepted).toBe(false);
    expect(result.username).toBeUndefined();
    expect(result.groups).toEqual([]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0].startsWith(problem)).toBe(true);
  });

  test('every problem at once', () => {
    const result = explain(jwt({ iss: 'https://x', aud: 'y', exp: SECONDS - 5, sub: undefined }));
    expect(result.problems.map(p => p.split(':')[0])).toEqual(['iss', 'aud', 'exp', 'sub']);
  });

  test.each([
    ['HS256', { alg: 'HS256' }], ['none', { alg: 'none' }], ['rs256 (case matters)', { alg: 'rs256' }], ['no alg', { typ: 'JWT' }],
  ])('the signing algorithm %s', (_, header) => {
    expect(explain(jwt({}, header)).problems[0]).toMatch(/^alg \(header\): found .*, expected "RS256". Have the identity provider sign ID tokens with RS256/);
  });

  test.each([
    ['not a JWT', 'hello', 'token: found "1 part", expected a JWT of three base64url parts'],
    ['two parts', 'a.b', 'token: found "2 parts"'],
    ['a payload that is not JSON', `${part({ alg: 'RS256' })}.${part('not json')}.sig`, 'token: found "a payload", expected unpadded base64url of a JSON object'],
    ['a payload that is a JSON array', `${part({ alg: 'RS256' })}.${part([1])}.sig`, 'token: found "a payload"'],
    ['padded base64', `${part({ alg: 'RS256' })}.${Buffer.from(JSON.stringify({ iss: ISSUER, a: 'b' })).toString('base64')}.sig`, 'token: found "a payload"'],
    ['a header that is not base64url', `!!.${part({})}.sig`, 'token: found "a header"'],
  ])('%s: a problem, not a crash', (_, token, problem) => {
    const result = explain(token);
    expect(result.accepted).toBe(false);
    expect(result.problems[0].startsWith(problem)).toBe(true);
  });

  test('surrounding whitespace, as a file or a pasted line has it, is ignored', () => {
    expect(explain(`  ${jwt()}\n`).accepted).toBe(true);
  });
});

describe('TokenJudge: the same judgement without a construct or an app', () => {
  const settings: OidcSettings = { issuer: OidcIssuer.fromUrl(ISSUER), clientId: 'kubernetes', groupsClaim: 'groups', groupsPrefix: 'oidc:' };

  test('it explains as a provider of the same settings does', () => {
    const judge = new TokenJudge(settings);
    for (const token of [jwt({ groups: ['a'] }), jwt({ aud: 'other' }), jwt({ exp: SECONDS - 1, groups: 7 }), 'not a token']) {
      expect(judge.explain(token)).toEqual(explain(token, settings));
    }
    expect(judge.explain(jwt({ groups: ['a', 'b'] }))).toEqual({
      accepted: true,
      signatureChecked: false,
      username: `${ISSUER}#alice`,
      groups: ['oidc:a', 'oidc:b'],
      problems: [],
      issuer: ISSUER,
      expiresAt: new Date((SECONDS + 600) * 1000).toISOString(),
    });
  });

  test('it combines the issuer\'s settings and the given ones as a provider does', () => {
    const issuer = OidcIssuer.fromUrl(ISSUER, { usernameClaim: 'email', groupsClaim: 'roles', requiredClaims: { hd: 'example.com', tier: 'prod' } });
    const judge = new TokenJudge({ issuer, clientId: 'kubernetes', groupsClaim: 'groups', requiredClaims: { tier: 'dev' } });
    const result = judge.explain(jwt({ email: 'a@example.com', roles: ['x'], groups: ['g'], hd: 'example.com', tier: 'dev' }));
    expect([result.accepted, result.username, result.groups]).toEqual([true, 'a@example.com', ['g']]);
    expect(judge.explain(jwt({ email: 'a@example.com', hd: 'example.com', tier: 'prod' })).problems)
      .toEqual(['tier: found "prod", expected exactly "dev" (a required claim). Use a token that carries it, or change requiredClaims']);
    expect(new TokenJudge({ issuer: OidcIssuer.fromUrl(ISSUER), clientId: 'kubernetes' }).explain(jwt()).username).toBe(`${ISSUER}#alice`);
  });

  test('it checks the settings as a provider does, and its errors have no construct path', () => {
    expect(() => new TokenJudge({ ...settings, clientId: ' kubernetes' })).toThrow(new Error('Invalid clientId " kubernetes": it starts or ends with whitespace, '
      + 'which no token value carries. Remove the surrounding whitespace [cdk-eks-oidc:invalidClientId]'));
    expect(() => new TokenJudge(undefined as unknown as OidcSettings)).toThrow(new Error('Invalid settings (missing): expected an object with issuer and clientId. '
      + 'Pass the issuer and the clientId [cdk-eks-oidc:wrongType]'));
    expect(() => new TokenJudge(settings).explain(5 as unknown as string))
      .toThrow(new Error('Invalid token 5: expected a string, received a number. Pass a string [cdk-eks-oidc:wrongType]'));
  });

  const deployTime = (property: string) => 'Invalid ' + property + ' "(a deploy-time value)": a token cannot be judged against a value that is only known at deploy time. '
    + 'Judge the token against the deployed settings: give their values, or run `npx cdk-eks-oidc explain` on a template with literal settings '
    + '[cdk-eks-oidc:deployTimeSettings]';
  test.each<[string, OidcSettings]>([
    ['clientId', { issuer: OidcIssuer.fromUrl(ISSUER), clientId: Lazy.string({ produce: () => 'kubernetes' }) }],
    ['issuerUrl', { issuer: OidcIssuer.fromUrl(Token.asString({ Ref: 'Issuer' })), clientId: 'kubernetes' }],
    ['usernameClaim', { issuer: OidcIssuer.fromUrl(ISSUER, { usernameClaim: Token.asString({ Ref: 'Claim' }) }), clientId: 'kubernetes' }],
    ['groupsPrefix', { issuer: OidcIssuer.fromUrl(ISSUER), clientId: 'kubernetes', groupsClaim: 'groups', groupsPrefix: Token.asString({ Ref: 'Prefix' }) }],
    ['hd', { issuer: OidcIssuer.fromUrl(ISSUER), clientId: 'kubernetes', requiredClaims: { hd: Token.asString({ Ref: 'Domain' }) } }],
  ])('it refuses deploy-time settings: %s', (property, deployTimeSettings) => {
    expect(() => new TokenJudge(deployTimeSettings)).toThrow(new Error(deployTime(property)));
  });

  test('a provider with deploy-time settings refuses at its path', () => {
    const p = provider(newStack(), { clientId: Lazy.string({ produce: () => 'kubernetes' }) });
    expect(() => p.explainToken(jwt())).toThrow(new Error(`${deployTime('clientId')}\n  at Stack/Provider`));
  });
});

describe('imports', () => {
  const settings: OidcSettings = {
    issuer: OidcIssuer.fromUrl(ISSUER), clientId: 'kubernetes', usernameClaim: 'email', groupsClaim: 'groups', requiredClaims: { hd: 'example.com' },
  };

  test('an import with its settings explains exactly like the provider it is', () => {
    const stack = newStack();
    const defined = provider(stack, settings, 'Defined');
    const imported = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'Okta', {
      clusterName: 'prod', identityProviderConfigName: 'okta', identityProviderConfigArn: ARN, settings,
    });
    expect(imported.explainToken(jwt({ email: 'a@example.com', hd: 'example.com' })).username).toBe('a@example.com');
    expect(imported.explainToken(jwt({ email: 'a@example.com' })).problems[0]).toMatch(/^hd: found nothing/);
    for (const token of [jwt({ email: 'a@example.com', hd: 'example.com', groups: ['x'] }), jwt({ email: 'a@example.com', email_verified: false }), jwt(), 'x']) {
      expect(imported.explainToken(token)).toEqual(defined.explainToken(token));
    }
  });

  test.each([
    ['fromIdentityProviderConfigArn', () => OidcIdentityProvider.fromIdentityProviderConfigArn(newStack(), 'Okta', ARN)],
    ['fromOidcIdentityProviderAttributes without settings', () => OidcIdentityProvider.fromOidcIdentityProviderAttributes(newStack(), 'Okta', {
      clusterName: 'prod', identityProviderConfigName: 'okta', identityProviderConfigArn: ARN,
    })],
  ])('an import by name alone, %s, cannot judge tokens', (_, make) => {
    const imported = make();
    expect(() => imported.explainToken(jwt())).toThrow(new Error('The provider was imported by name alone, so it cannot judge tokens. '
      + 'Import it with fromOidcIdentityProviderAttributes() and settings: the issuer, clientId, claims and prefixes it was defined with '
      + '[cdk-eks-oidc:importWithoutSettings]\n  at Stack/Okta'));
    expect(errorOf(() => imported.explainToken(jwt()))).toMatch(/^The provider was imported by name alone, so it cannot judge tokens\. /);
  });
});

// The corners of kube-apiserver v1.36.3's authenticator (k8s.io/apiserver v0.36.3
// plugin/pkg/authenticator/token/oidc/oidc.go) and of the verifier it calls,
// github.com/coreos/go-oidc v2.5.0+incompatible (verify.go, oidc.go), each settled by kube-apiserver
// itself in test/e2e/token-differential.test.ts.
describe('kube-apiserver corner cases', () => {
  const GOOGLE = 'https://accounts.google.com';
  /** A JWT whose payload is the JSON text given, as it is (duplicate keys, number literals JavaScript cannot hold). */
  const rawJwt = (payload: string, header = '{"alg":"RS256"}') => `${part(header)}.${part(payload)}.c2lnbmF0dXJl`;
  /** The valid claims of jwt(), as JSON text without its closing brace. */
  const valid = (claims: Record<string, unknown> = {}) => JSON.stringify({ iss: ISSUER, aud: 'kubernetes', sub: 'alice', exp: SECONDS + 600, iat: SECONDS, ...claims }).slice(0, -1);
  const groups = { groupsClaim: 'groups' };
  const ACCESS_TOKEN = 'ya29.secret-access-token';

  describe('distributed and aggregated claims: oidc.go claimResolver.expand, only for the groups claim, after go-oidc\'s source check (verify.go)', () => {
    test.each<[string, Partial<OidcIdentityProviderProps>, Record<string, unknown>]>([
      ['an aggregated groups claim (a source with a JWT and no endpoint) is ignored: "This is maybe an aggregated claim"', groups,
        { _claim_names: { groups: 'src1' }, _claim_sources: { src1: { JWT: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' } } }],
      ['a source with an empty endpoint is ignored', groups, { _claim_names: { groups: 'src1' }, _claim_sources: { src1: { endpoint: '', access_token: ACCESS_TOKEN } } }],
      ['a null source is ignored', groups, { _claim_names: { groups: 'src1' }, _claim_sources: { src1: null } }],
      ['_claim_names without the groups claim: no distributed groups', groups,
        { _claim_names: { roles: 'src1' }, _claim_sources: { src1: { endpoint: 'https://graph.example.com' } } }],
      ['_claim_sources null with _claim_names not naming the groups claim', groups, { _claim_names: {}, _claim_sources: null }],
      ['the groups claim in the token itself: no expansion', groups,
        { groups: [], _claim_names: { groups: 'src1' }, _claim_sources: { src1: { endpoint: 'https://graph.example.com' } } }],
      ['a non-string JWT when the groups claim is in the token (expand returns first)', groups,
        { groups: ['a'], _claim_names: { groups: 'src1' }, _claim_sources: { src1: { JWT: 5 } } }],
      ['a non-string JWT without a groups claim configured (no resolver)', {}, { _claim_names: { groups: 'src1' }, _claim_sources: { src1: { JWT: 5 } } }],
      ['_claim_names without _claim_sources without a groups claim configured: nothing to resolve', {}, { _claim_names: {} }],
      ['_CLAIM_NAMES: go-oidc matches it case-insensitively, kube-apiserver looks up "_claim_names" exactly', groups,
        { _CLAIM_NAMES: { groups: 'src1' }, _claim_sources: { src1: { endpoint: 'https://graph.example.com' } } }],
      ['a groups claim named like an Object.prototype member, absent, with empty claim names and sources', { groupsClaim: 'constructor' }, { _claim_names: {}, _claim_sources: {} }],
    ])('accepted without groups: %s', (_, props, claims) => {
      const result = explain(jwt(claims), props);
      expect(result.problems).toEqual([]);
      expect(result.accepted).toBe(true);
      expect(result.groups).toEqual(claims.groups ?? []);
    });

    test.each<[string, Partial<OidcIdentityProviderProps>, Record<string, unknown>, string]>([
      ['_claim_names without _claim_sources (groups claim absent): "oidc: no claim sources"', groups, { _claim_names: {} },
        '_claim_sources: found nothing, expected the claim sources _claim_names refers to'],
      ['_claim_sources only as _CLAIM_SOURCES: go-oidc finds it, kube-apiserver does not', groups, { _claim_names: { roles: 'src1' }, _CLAIM_SOURCES: { src1: null } },
        '_claim_sources: found nothing, expected the claim sources'],
      ['_claim_names null without _claim_sources', groups, { _claim_names: null }, '_claim_sources: found nothing, expected the claim sources'],
      ['a non-string JWT in the sources kube-apiserver parses: "could not parse claim sources"', groups,
        { _claim_names: { groups: 'src1' }, _claim_sources: { src1: { JWT: 5 } } }, '_claim_sources."src1".JWT: found a number, expected a string'],
      ['a claim name whose source is missing (go-oidc: "source does not exist")', {}, { _claim_names: { roles: 'src9' }, _claim_sources: { src1: null } },
        '_claim_names."roles": found "src9", expected the name of a source in _claim_sources, which has no "src9"'],
      ['the groups claim in the token, but _claim_names refers to no source (go-oidc checks every name)', groups,
        { groups: ['a'], _claim_names: { groups: 'src1' } }, '_claim_names."groups": found "src1", expected the name of a source in _claim_sources'],
      ['an empty source name (go-oidc: "failed to obtain source from claim name")', groups,
        { _claim_names: { groups: '' }, _claim_sources: { '': { JWT: 'x' } } }, '_claim_names."groups": found "", expected the name of a source'],
      ['a null source name', groups, { _claim_names: { groups: null }, _claim_sources: { '': null } }, '_claim_names."groups": found null, expected the name of a source'],
      ['a source name that is no string', {}, { _claim_names: { groups: 7 }, _claim_sources: {} }, '_claim_names."groups": found 7, expected a string'],
      ['_claim_names not an object', {}, { _claim_names: 'groups' }, '_claim_names: found "groups", expected an object'],
    ])('refused: %s', (_, props, claims, problem) => {
      const result = explain(jwt(claims), props);
      expect(result.accepted).toBe(false);
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toContain(problem);
    });

    test('a source go-oidc finds in _CLAIM_SOURCES and kube-apiserver does not in _claim_sources', () => {
      expect(explain(jwt({ _claim_names: { groups: 'src1' }, _claim_sources: {}, _CLAIM_SOURCES: { src1: null } }), groups).problems)
        .toEqual([expect.stringMatching(/^_claim_names."groups": found "src1", expected the name of a source in _claim_sources, which has no "src1"/)]);
    });

    test.each<[string, unknown, string]>([
      ['not an object', 'https://graph.example.com', '_claim_sources: found a string, expected an object of claim sources'],
      ['a source that is no object', { src1: [ACCESS_TOKEN] }, '_claim_sources."src1": found an array, expected an object'],
      ['an endpoint that is no string', { src1: { endpoint: { url: 'https://graph.example.com' }, access_token: ACCESS_TOKEN } },
        '_claim_sources."src1".endpoint: found an object, expected a string'],
      ['an access token that is no string', { src1: { endpoint: 'https://graph.example.com', access_token: [ACCESS_TOKEN] } },
        '_claim_sources."src1".access_token: found an array, expected a string'],
      ['an access token with another case', { src1: { endpoint: 'https://graph.example.com', Access_Token: 7, access_token: ACCESS_TOKEN } },
        '_claim_sources."src1".Access_Token: found a number, expected a string'],
    ])('a malformed _claim_sources (%s): what is wrong, and never the access token', (_, sources, problem) => {
      const result = explain(jwt({ _claim_names: { groups: 'src1' }, _claim_sources: sources }), groups);
      expect(result.accepted).toBe(false);
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toContain(problem);
      expect(result.problems[0]).not.toContain('secret');
      expect(result.problems[0]).not.toContain('graph.example.com');
    });

    test('a distributed groups claim with an endpoint: its access token is not shown', () => {
      const result = explain(jwt({ _claim_names: { groups: 'src1' }, _claim_sources: { src1: { endpoint: 'https://graph.example.com/groups', access_token: ACCESS_TOKEN } } }), groups);
      expect(result.accepted).toBe(false);
      expect(result.problems.join()).not.toContain('secret');
    });
  });

  describe('the issuer', () => {
    test('"accounts.google.com" is https://accounts.google.com (go-oidc verify.go, issuerGoogleAccountsNoScheme; oidc.go untrustedIssuer)', () => {
      const result = explain(jwt({ iss: 'accounts.google.com', email: 'a@example.com' }), { issuer: OidcIssuer.fromUrl(GOOGLE), usernameClaim: 'email' });
      expect(result).toMatchObject({ accepted: true, username: 'a@example.com', issuer: 'accounts.google.com', problems: [] });
      expect(explain(jwt({ iss: 'accounts.google.com' }), { issuer: OidcIssuer.fromUrl(GOOGLE) }).username).toBe(`${GOOGLE}#alice`);
    });

    test.each([
      ['another issuer URL', ISSUER], ['Google\'s with a trailing "/"', `${GOOGLE}/`],
    ])('"accounts.google.com" is nothing else: %s', (_, issuerUrl) => {
      expect(explain(jwt({ iss: 'accounts.google.com' }), { issuer: OidcIssuer.fromUrl(issuerUrl) }).problems[0]).toMatch(/^iss: found "accounts.google.com", expected exactly/);
    });

    test('Go reads struct fields case-insensitively and a later null leaves a string field as it was', () => {
      expect(explain(rawJwt(`${valid()},"ISS":null}`)).accepted).toBe(true);
      expect(explain(rawJwt(`${valid()},"ISS":7}`)).problems).toEqual([expect.stringMatching(/^iss: found 7, expected a string/)]);
      expect(explain(rawJwt(`${valid()},"Sub":7}`)).problems).toEqual([expect.stringMatching(/^sub: found 7, expected a string/)]);
    });
  });

  describe('times: go-oidc\'s jsonTime (oidc.go) reads a json.Number with Int64(), else Float64() and int64(f), and time.Unix', () => {
    test.each<[string, string, string | undefined]>([
      ['13 digits: year 318857, beyond JavaScript dates', '9999999999999', '+318857-05-20T17:46:39.000Z'],
      ['13 digits in a string', '"9999999999999"', '+318857-05-20T17:46:39.000Z'],
      ['microseconds', String(SECONDS * 1_000_000), '+56913474-01-01T00:00:00.000Z'],
      ['milliseconds', String(SECONDS * 1_000), '+058881-07-03T00:00:00.000Z'],
      ['the last second time.Unix holds without overflow', '9223371974719179007', '+292277024627-12-06T15:30:07.000Z'],
      ['an exponent', '1.7e15', undefined],
    ])('accepted, not expired: %s', (_, exp, expiresAt) => {
      const result = explain(rawJwt(`${valid()},"exp":${exp}}`));
      expect(result.problems).toEqual([]);
      if (expiresAt !== undefined) expect(result.expiresAt).toBe(expiresAt);
    });

    test.each<[string, string, RegExp]>([
      ['1e20: int64(f) overflows', '1e20', /^exp: found 1e20, expected a time after now .* go-oidc reads it as the int64 of a float, which overflows/],
      ['-1e20', '-1e20', /^exp: found -1e20, expected a time after now/],
      ['beyond int64: read as a float', '9223372036854775808', /^exp: found 9223372036854775808, expected a time after now .* overflows/],
      ['the largest int64: time.Unix overflows', '9223372036854775807', /^exp: found 9223372036854775807, expected a time after now .* overflows/],
      ['a second past what time.Unix holds', '9223371974719179008', /^exp: found 9223371974719179008, expected a time after now/],
      ['1e309: beyond a float64 (strconv.ParseFloat fails)', '1e309', /^exp: found 1e309, expected a number of seconds since 1970/],
      ['"1e309"', '"1e309"', /^exp: found "1e309", expected a number of seconds since 1970/],
      ['1e-400 is 0', '1e-400', /^exp: found 1e-400, expected a time after now .*The token expired at 1970-01-01T00:00:00.000Z/],
    ])('refused, no crash: %s', (_, exp, problem) => {
      let result: ReturnType<typeof explain> | undefined;
      expect(() => { result = explain(rawJwt(`${valid()},"exp":${exp}}`)); }).not.toThrow();
      expect(result!.accepted).toBe(false);
      expect(result!.problems).toEqual([expect.stringMatching(problem)]);
      expect(result!.expiresAt === undefined || /^[+-]?\d{4,}-\d\d-\d\dT/.test(result!.expiresAt)).toBe(true);
    });

    test.each<[string, string, string | undefined]>([
      ['iat null', '"iat":null', 'iat: found null, expected a number (of seconds since 1970)'],
      ['iat not a number', '"iat":"now"', 'iat: found "now", expected a number'],
      ['nbf null: go-oidc\'s *jsonTime stays nil', '"nbf":null', undefined],
      ['a later null nbf resets an earlier one', `"nbf":${SECONDS + 3600},"NBF":null`, undefined],
      ['nbf not a number', '"nbf":"soon"', 'nbf: found "soon", expected a number of seconds since 1970'],
      ['nbf "1e309"', '"nbf":"1e309"', 'nbf: found "1e309", expected a number of seconds since 1970. Fix the identity provider: go-oidc reads the number with strconv.ParseFloat, and this one overflows'],
      ['every exp member must read', `"exp":"never","EXP":${SECONDS + 600}`, 'exp: found "never", expected a number of seconds since 1970'],
      ['the last exp member counts', `"exp":${SECONDS + 600},"Exp":${SECONDS - 600}`, `exp: found ${SECONDS - 600}, expected a time after now`],
      ['aud a number', '"aud":1', 'aud: found 1, expected a string or a list of strings'],
      ['aud with a number', '"aud":["kubernetes",1]', 'aud: found ["kubernetes",1], expected a string or a list of strings'],
      ['a later aud replaces an earlier one', '"aud":"kubernetes","AUD":"other"', 'aud: found "other", expected "kubernetes"'],
    ])('%s', (_, claims, problem) => {
      const result = explain(rawJwt(`${valid()},${claims}}`));
      expect(result.problems).toEqual(problem === undefined ? [] : [expect.stringContaining(problem)]);
    });

    test('expiresAt: undefined when go-oidc\'s reading of exp overflows, or there is no readable exp', () => {
      expect(explain(rawJwt(`${valid()},"exp":1e20}`)).expiresAt).toBeUndefined();
      expect(explain(rawJwt(`${valid()},"exp":1e309}`)).expiresAt).toBeUndefined();
      expect(explain(jwt({ exp: 'tomorrow' })).expiresAt).toBeUndefined();
    });

    test('expiresAt is toISOString() within JavaScript\'s dates', () => {
      const years = [-62135596800, -62167219200, -62167219201, 253402300799, 253402300800, 8.64e12, -8.64e12];
      for (const seconds of [0, -1, 1, ...years, 951782400, 4107542400, 1709208000, SECONDS + 86399]) {
        expect([seconds, explain(jwt({ exp: seconds })).expiresAt]).toEqual([seconds, new Date(seconds * 1000).toISOString()]);
      }
    });

    test.each<[string, string, boolean]>([
      ['nbf 1e20: int64(f) overflows to the far past, the token is valid', '1e20', true],
      ['nbf beyond time.Unix: it wraps to the past', '9223372036854775807', true],
      ['nbf in year 318857', '9999999999999', false],
    ])('%s', (_, nbf, accepted) => {
      expect(explain(rawJwt(`${valid()},"nbf":${nbf}}`)).accepted).toBe(accepted);
    });
  });

  describe('deeply nested claims: Go\'s encoding/json reads 10000 levels (scanner.go maxNestingDepth)', () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    test('an unrelated claim 5000 deep: accepted', () => {
      expect(explain(rawJwt(`${valid()},"x":${nested(5000)}}`)).problems).toEqual([]);
    });
    test('the payload object and 9999 more levels: accepted; 10000 more: refused', () => {
      expect(explain(rawJwt(`${valid()},"x":${nested(9999)}}`)).accepted).toBe(true);
      expect(explain(rawJwt(`${valid()},"x":${nested(10000)}}`)).problems).toEqual([
        expect.stringMatching(/^token: found a payload nested 10001 levels deep, expected at most 10000/),
      ]);
    });
    test('a groups claim 5000 deep: a short problem, no crash', () => {
      const result = explain(rawJwt(`${valid()},"groups":${nested(5000)}}`), groups);
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toMatch(/^groups: found \[\[\[.*… \(10000 characters\), expected a string or a list of strings/);
      expect(result.problems[0].length).toBeLessThan(500);
    });
  });

  describe('claim names that are Object.prototype members', () => {
    test.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])('groups claim %s, absent: logged in without groups', (claim) => {
      expect(explain(jwt(), { groupsClaim: claim })).toMatchObject({ accepted: true, groups: [], problems: [] });
    });
    test.each(['constructor', 'toString', '__proto__'])('groups claim %s, present: its groups', (claim) => {
      expect(explain(rawJwt(`${valid()},${JSON.stringify(claim)}:["a"]}`), { groupsClaim: claim, groupsPrefix: 'p:' }).groups).toEqual(['p:a']);
    });
    test('a username claim and a required claim named so, absent: refused as absent', () => {
      expect(explain(jwt(), { usernameClaim: 'toString' }).problems).toEqual([expect.stringMatching(/^toString: found nothing, expected a string \(the username claim\)/)]);
      expect(explain(jwt(), { requiredClaims: { constructor: 'x' } }).problems).toEqual([expect.stringMatching(/^constructor: found nothing, expected exactly "x"/)]);
    });
    test('email_verified is looked up in the token only', () => {
      expect(explain(rawJwt(`${valid()},"email":"a@example.com","__proto__":{"email_verified":false}}`), { usernameClaim: 'email' }).accepted).toBe(true);
    });
    test('a distributed claim source named like a prototype member is looked up in the token only', () => {
      expect(explain(jwt({ _claim_names: { groups: 'constructor' }, _claim_sources: {} }), groups).problems)
        .toEqual([expect.stringContaining('_claim_names."groups": found "constructor", expected the name of a source in _claim_sources')]);
    });
  });

  describe('lists with null: Go reads null into a string as ""', () => {
    test('aud with null', () => {
      expect(explain(jwt({ aud: ['kubernetes', null] })).accepted).toBe(true);
    });
    test('groups with null', () => {
      expect(explain(jwt({ groups: ['a', null] }), { groupsClaim: 'groups', groupsPrefix: 'p:' }).groups).toEqual(['p:a', 'p:']);
    });
  });

  test('a payload with spaces and line breaks between its tokens reads the same, and is shown without them', () => {
    const payload = ` {\n "iss" : "${ISSUER}" ,\t"aud": [ "other" ,\r\n"x y" ] , "sub":"alice", "exp" : ${SECONDS + 600} }\n`;
    expect(explain(rawJwt(payload)).problems).toEqual([expect.stringMatching(/^aud: found \["other","x y"\], expected "kubernetes"/)]);
  });

  describe('strings as Go\'s encoding/json decodes them', () => {
    const noSub = valid({ sub: undefined });
    test('a lone surrogate escape is U+FFFD, a pair is one character, an escaped backslash starts no escape', () => {
      expect(explain(rawJwt(`${noSub},"sub":"a\\ud800b\\udc00\\ud83d\\ude00\\\\ud800"}`), { usernamePrefix: '-' }).username).toBe('a\ufffdb\ufffd😀\\ud800');
    });
    test('each byte of an invalid UTF-8 sequence is U+FFFD', () => {
      const payload = Buffer.concat([Buffer.from(`${noSub},"sub":"a`), Buffer.from([0xe2, 0x82]), Buffer.from('A'), Buffer.from([0xf0, 0x9f, 0x98, 0xed, 0xa0, 0x80, 0xc0, 0xff]), Buffer.from('"}')]);
      const result = explain(`${part({ alg: 'RS256' })}.${payload.toString('base64url')}.c2ln`, { usernamePrefix: '-' });
      expect(result.username).toBe(`a${'\ufffd'.repeat(2)}A${'\ufffd'.repeat(8)}`);
    });
  });

  test('the header: go-jose reads kid and nonce as strings', () => {
    expect(explain(jwt({}, { alg: 'RS256', kid: 5 })).problems).toEqual([expect.stringMatching(/^kid \(header\): found 5, expected a string/)]);
    expect(explain(jwt({}, { alg: 'RS256', kid: null })).accepted).toBe(true);
  });

  test('problems carry no C1 control or bidirectional characters from the token: they are escaped', () => {
    const evil = 'ev\u202eil\u0085\u2066x\u200f\u009b';
    const result = explain(jwt({ iss: evil, hd: evil, groups: [evil, 1] }), { requiredClaims: { hd: 'example.com' }, groupsClaim: 'groups' });
    expect(result.problems).toHaveLength(3);
    for (const problem of result.problems) {
      expect(problem).not.toMatch(/[\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    }
    expect(result.problems[0]).toContain('found "ev\\u202eil\\u0085\\u2066x\\u200f\\u009b"');
  });
});

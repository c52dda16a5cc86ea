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
      accepted: true, username: `${ISSUER}#alice`, groups: [], problems: [], issuer: ISSUER, expiresAt: new Date((SECONDS + 600) * 1000).toISOString(),
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

// explainToken() against kube-apiserver itself: for several provider configurations, fast-check
// generates tokens signed by the test issuer, valid ones and ones broken in every way the rules
// know (claims missing, of the wrong type, of the wrong value; times past, future, in strings;
// another signing algorithm; a token that is no JWT), sends each to the real server
// (SelfSubjectReview), and asserts that explainToken() agrees on every one: accepted exactly when
// the server accepts, and then with the same user name and groups. Generated times stay seconds
// away from the boundaries, so the two clocks cannot disagree. FC_SEED changes the run.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as fc from 'fast-check';
import { ApiServer } from './control-plane';
import { e2eEnvironment } from './environment';
import { OidcIssuer as TestIssuer } from './oidc-issuer';
import { oidcFlagsOf } from './template';
import { OidcIdentityProvider, OidcIdentityProviderProps } from '../../src';

jest.setTimeout(300_000);

const CLIENT_ID = 'kubernetes';
const TOKENS_PER_CONFIGURATION = Number(process.env.DIFFERENTIAL_TOKENS ?? 150);
const SEED = Number(process.env.FC_SEED ?? 20261129);

interface Configuration {
  readonly name: string;
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
];

/** The ways each part of a token can be broken; the first of each list keeps it valid. */
const BREAKS = {
  iss: ['keep', 'slash', 'other', 'missing', 'number', 'null', 'upper-key'],
  aud: ['keep', 'list-with', 'list-without', 'other', 'missing', 'number', 'null', 'list-number'],
  exp: ['keep', 'past', 'missing', 'string', 'bad-string', 'float', 'null', 'bool'],
  nbf: ['absent', 'within', 'beyond', 'past', 'string', 'null'],
  iat: ['keep', 'null', 'string', 'bad-string', 'missing'],
  sub: ['keep', 'missing', 'null', 'number'],
  username: ['keep', 'missing', 'null', 'number', 'empty', 'unicode'],
  emailVerified: ['true', 'false', 'missing', 'string', 'null'],
  groups: ['list', 'string', 'missing', 'null', 'list-number', 'number', 'empty'],
  required: ['keep', 'missing', 'wrong', 'null', 'number'],
  alg: ['RS256', 'HS256', 'none'],
  shape: ['jwt', 'two-parts', 'padded', 'not-json'],
} as const;
type Part = keyof typeof BREAKS;
type Mutations = { [P in Part]: (typeof BREAKS)[P][number] } & { seconds: number };
const PARTS = Object.keys(BREAKS) as Part[];

/** A token's mutations: none for about a third of the tokens, one part changed for another third, two or three for the rest. */
const mutations: fc.Arbitrary<Mutations> = fc.record({
  changed: fc.oneof(
    { weight: 3, arbitrary: fc.constant([] as Part[]) },
    { weight: 3, arbitrary: fc.subarray(PARTS, { minLength: 1, maxLength: 1 }) },
    { weight: 3, arbitrary: fc.subarray(PARTS, { minLength: 2, maxLength: 3 }) }),
  choices: fc.record(Object.fromEntries(PARTS.map(part => [part, fc.constantFrom(...BREAKS[part])])) as { [P in Part]: fc.Arbitrary<string> }),
  seconds: fc.integer({ min: 5, max: 3000 }),
}).map(({ changed, choices, seconds }) => ({
  ...Object.fromEntries(PARTS.map(part => [part, changed.includes(part) ? choices[part] : BREAKS[part][0]])),
  seconds,
}) as Mutations);

/** The claims of a token for the configuration, broken as the mutations say. */
function claimsOf(config: Configuration, issuerUrl: string, m: Mutations): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const usernameClaim = config.props.usernameClaim ?? 'sub';
  const groupsClaim = config.props.groupsClaim!;
  const claims: Record<string, unknown> = { iss: issuerUrl, aud: CLIENT_ID, sub: 'user-0a1b', exp: now + 600, iat: now };
  const set = (key: string, how: string, valid: unknown, broken: Record<string, unknown>) => {
    if (how === 'missing') delete claims[key];
    else claims[key] = how in broken ? broken[how] : valid;
  };
  set('iss', m.iss, issuerUrl, { 'slash': `${issuerUrl}/`, 'other': 'https://other.example.com', 'number': 7, 'null': null, 'upper-key': undefined });
  if (m.iss === 'upper-key') {
    delete claims.iss;
    claims.ISS = issuerUrl;
  }
  set('aud', m.aud, CLIENT_ID, {
    'list-with': ['other', CLIENT_ID], 'list-without': ['other'], 'other': 'other', 'number': 1, 'null': null, 'list-number': [CLIENT_ID, 1],
  });
  set('exp', m.exp, now + 600, {
    'past': now - m.seconds, 'string': String(now + 600), 'bad-string': 'tomorrow', 'float': now + m.seconds + 0.75, 'null': null, 'bool': true,
  });
  if (m.nbf !== 'absent') {
    const nbf = { within: now + Math.min(m.seconds, 50), beyond: now + 65 + m.seconds, past: now - m.seconds, string: String(now - 10), null: null };
    claims.nbf = nbf[m.nbf];
  }
  set('iat', m.iat, now, { 'null': null, 'string': String(now), 'bad-string': 'now' });
  set('sub', m.sub, 'user-0a1b', { null: null, number: 42 });
  if (usernameClaim !== 'sub') {
    set(usernameClaim, m.username, usernameClaim === 'email' ? 'alice@example.com' : 'alice', { null: null, number: 42, empty: '', unicode: 'jürgen ☃ 日本' });
  } else if (m.username !== 'keep' && m.sub === 'keep') {
    set('sub', m.username, 'user-0a1b', { null: null, number: 42, empty: '', unicode: 'jürgen ☃ 日本' });
  }
  if (usernameClaim === 'email') set('email_verified', m.emailVerified, true, { false: false, string: 'true', null: null });
  set(groupsClaim, m.groups, ['platform', 'sre'], { 'string': 'platform', 'null': null, 'list-number': ['platform', 3], 'number': 3, 'empty': [] });
  for (const [claim, value] of Object.entries(config.props.requiredClaims ?? {})) {
    set(claim, m.required, value, { wrong: `${value}-not`, null: null, number: 5 });
  }
  return claims;
}

/** The encoded token: signed by the test issuer, in the shape and with the algorithm the mutations say. */
function tokenOf(issuer: TestIssuer, claims: Record<string, unknown>, m: Mutations): string {
  const header = Buffer.from(JSON.stringify({ alg: m.alg, typ: 'JWT', kid: issuer.kid })).toString('base64url');
  const json = JSON.stringify(claims);
  const payload = m.shape === 'padded' ? Buffer.from(json).toString('base64') : m.shape === 'not-json'
    ? Buffer.from(json.slice(0, -1)).toString('base64url') : Buffer.from(json).toString('base64url');
  const token = issuer.sign(`${header}.${payload}`);
  return m.shape === 'two-parts' ? token.split('.').slice(0, 2).join('.') : token;
}

const env = e2eEnvironment('differential');
const compared: Array<{ configuration: string; tokens: number; accepted: number; ms: number }> = [];

afterAll(() => {
  const total = compared.reduce((sum, c) => sum + c.tokens, 0);
  // The figure the README reports: how many tokens were compared, and how long it took.
  console.log(`differential: ${total} tokens compared with kube-apiserver, every one in agreement\n${JSON.stringify(compared, undefined, 1)}`);
});

describe.each(CONFIGURATIONS)('$name', (config) => {
  let server: ApiServer;
  let provider: OidcIdentityProvider;
  let issuerUrl: string;

  beforeAll(async () => {
    issuerUrl = env.issuer.origin + config.issuerPath;
    if (config.issuerPath.endsWith('/')) env.issuer.addSlashIssuer(config.issuerPath.slice(0, -1));
    const stack = new Stack(new App(), 'Differential', { env: { account: '111111111111', region: 'eu-west-1' } });
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'e2e' });
    provider = new OidcIdentityProvider(stack, 'Provider', { cluster, issuerUrl, clientId: CLIENT_ID, ...config.props });
    server = await ApiServer.start(env.binaries.kubeApiServer, env.pki, env.etcd, oidcFlagsOf(Template.fromStack(stack).toJSON()), `differential-${CONFIGURATIONS.indexOf(config)}`);
    const valid = { ...Object.fromEntries(PARTS.map(part => [part, BREAKS[part][0]])), seconds: 5 } as Mutations;
    await server.waitForAuthentication(tokenOf(env.issuer, claimsOf(config, issuerUrl, valid), valid));
  });

  afterAll(async () => {
    await server?.stop();
  });

  test(`explainToken agrees with kube-apiserver on ${TOKENS_PER_CONFIGURATION} generated tokens`, async () => {
    const started = Date.now();
    const cases = fc.sample(mutations, { numRuns: TOKENS_PER_CONFIGURATION, seed: SEED + CONFIGURATIONS.indexOf(config) });
    let accepted = 0;
    for (const m of cases) {
      const claims = claimsOf(config, issuerUrl, m);
      const token = tokenOf(env.issuer, claims, m);
      const response = await server.request(token, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
      const explanation = provider.explainToken(token);
      const user = response.body?.status?.userInfo;
      // UserInfo's fields are omitempty: an empty user name comes back as no field.
      const theirs = response.status === 201
        ? { accepted: true, username: user.username ?? '', groups: (user.groups as string[] ?? []).filter(g => g !== 'system:authenticated') }
        : { accepted: false, status: response.status };
      const ours = explanation.accepted
        ? { accepted: true, username: explanation.username, groups: explanation.groups }
        : { accepted: false, status: 401 };
      // On a disagreement: the mutations and claims, the server's answer and ours.
      expect({ m, claims, answer: ours }).toEqual({ m, claims, answer: theirs });
      if (explanation.accepted) accepted++;
    }
    compared.push({ configuration: config.name, tokens: cases.length, accepted, ms: Date.now() - started });
    // The generator reaches both answers often.
    expect(accepted).toBeGreaterThan(cases.length / 10);
    expect(accepted).toBeLessThan(cases.length * 0.9);
  });
});

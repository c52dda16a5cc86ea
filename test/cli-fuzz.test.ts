// `cdk-eks-oidc explain` and `doctor` fuzzed as a process: random command lines (options in any
// order, `--opt=value`, unknown options, tokens in odd places), mutated tokens (huge and
// out-of-range `exp`, deep nesting, `_claim_sources` with an access token, C1 and bidi characters,
// UTF-16, a Bearer prefix, empty, 1 MiB), malformed templates, JWKS files (--jwks: no JSON, keys
// go-jose cannot read, private key material, 1 MiB and more, UTF-16) and CA files (--ca-file). The
// doctor's issuers fail without the internet (a refused port, http://, deploy time, the cluster's
// own issuer). For every run: an exit code of 0-3, no
// stack trace, never the token's signature nor an access token, nothing a terminal acts on, JSON
// of the schema with --json, in bounded time and memory (a 256 MB heap).
//
// CLI_FUZZ_RUNS cases (300 by default) run through main(), 200 to a process, CLI_FUZZ_PROCESS_RUNS
// (30) as processes of their own, with standard input; FC_SEED changes the cases, which are fixed
// otherwise so that a failure reproduces (its index is in the message). CLI_FUZZ_DEBUG=1 lists the
// usage errors met, to see what the generators reach.
import { generateKeyPairSync } from 'crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as fc from 'fast-check';
import { compileCli, HEAP_MB, Run, runInProcess, runProcess, runWithClosedOutput } from './cli-process';
import { throwAwayCertificate } from './issuer-variants';

const RUNS = Number(process.env.CLI_FUZZ_RUNS ?? 300);
const PROCESS_RUNS = Number(process.env.CLI_FUZZ_PROCESS_RUNS ?? 30);
const SEED = Number(process.env.FC_SEED ?? 20261130);
/** The most a case may take, on a busy two-core machine: through main(), and as a process (Node's start included). */
const IN_PROCESS_MS = 10_000;
const PROCESS_MS = 30_000;

jest.setTimeout(30 * 60_000);

const OKTA = 'https://example.okta.com/oauth2/default';
const CLIENT_ID = '0oa1b2c3d4e5f6g7h8i9';
const MIB = 1024 * 1024;
/** What must never be printed raw: controls (but the line break), DEL, C1, invisible and bidi formatting characters. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;
/** A stack trace: `    at f (file.js:1:2)` lines, or Node's own paths. */
const STACK_TRACE = /^\s+at .*:\d+(:\d+)?\)?$|node_modules|node:internal|FATAL ERROR/m;
const part = (text: string) => Buffer.from(text).toString('base64url');

let compiled: string;
let dir: string;
/** A CA (PEM) and its file, for --ca-file. */
let caPem: string;
let caPath: string;
/** The doctor's template of issuers that are not on the internet. */
let doctorTemplate: string;
/** The template of three providers the cases start from, and the names to pick one by. */
let template: string;
const PROVIDER_NAMES = ['Okta', 'okta', 'Platform/Okta', 'Platform/Okta/Resource', 'Keycloak', 'Nope', ''];

/** The OIDC settings of a provider of the template. */
const oidc = (settings: Record<string, unknown>) => ({ IssuerUrl: OKTA, ClientId: CLIENT_ID, UsernameClaim: 'email', GroupsClaim: 'groups', ...settings });
const provider = (settings: unknown, name = 'okta', path = 'Platform/Okta/Resource') => ({
  Type: 'AWS::EKS::IdentityProviderConfig',
  Properties: { ClusterName: 'prod', Type: 'oidc', IdentityProviderConfigName: name, Oidc: settings },
  Metadata: { 'aws:cdk:path': path },
});
const RESOURCES = {
  Okta: provider(oidc({ RequiredClaims: [{ Key: 'hd', Value: 'example.com' }] })),
  Keycloak: provider({ IssuerUrl: 'https://sso.example.com/realms/ci', ClientId: 'kubernetes' }, 'keycloak', 'Platform/Keycloak/Resource'),
  Topic: { Type: 'AWS::SNS::Topic' },
};

/** Malformed providers, put in place of Keycloak or beside it. */
const MALFORMED: unknown[] = [
  provider(oidc({ RequiredClaims: { hd: 'example.com' } })), provider(oidc({ RequiredClaims: 'hd' })), provider(oidc({ RequiredClaims: { Ref: 'X' } })),
  provider(oidc({ RequiredClaims: [null] })), provider(oidc({ RequiredClaims: [{}, { Key: 'k' }, { Value: 'v' }, { Key: 1, Value: [] }] })),
  provider(oidc({ RequiredClaims: [{ Key: '__proto__', Value: 'x' }, { Key: 'constructor', Value: 'y' }] })),
  provider(oidc({ ClientId: undefined })), provider(oidc({ IssuerUrl: { 'Fn::GetAtt': ['Pool', 'ProviderURL'] } })), provider(oidc({ IssuerUrl: 42 })),
  provider(oidc({ IssuerUrl: `${OKTA}\u202e\u0085` })), provider(oidc({ UsernamePrefix: 'system:' })), provider(null), provider([]),
  { Type: 'AWS::EKS::IdentityProviderConfig' }, { Type: 'AWS::EKS::IdentityProviderConfig', Properties: { Type: 'oidc' } },
  { ...provider(oidc({})), Metadata: 'x' }, { ...provider(oidc({})), Metadata: { 'aws:cdk:path': { toString: 1 } } },
  { ...provider(oidc({})), Metadata: { 'aws:cdk:path': 'Platform/\u001b[2J\u202eOkta\u0085/Resource' } },
  { ...provider(oidc({})), Properties: { IdentityProviderConfigName: ['x'], Oidc: oidc({}) } }, null, 'x', [],
];
/** The doctor's issuers, none of them on the internet: a port where nothing listens (refused at once), http://, deploy time, the cluster's own. */
const LOCAL_ISSUER = 'https://127.0.0.1:1/okta';
const DOCTOR_RESOURCES = {
  Local: provider(oidc({ IssuerUrl: LOCAL_ISSUER }), 'local', 'Platform/Local/Resource'),
  Http: provider(oidc({ IssuerUrl: 'http://idp.example.com' }), 'http', 'Platform/Http/Resource'),
  Deploy: provider(oidc({ IssuerUrl: { 'Fn::GetAtt': ['Pool', 'ProviderURL'] } }), 'deploy', 'Platform/Deploy/Resource'),
  Irsa: provider(oidc({ IssuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE' }), 'irsa', 'Platform/Irsa/Resource'),
};
const DOCTOR_PROVIDER_NAMES = ['Local', 'local', 'Platform/Deploy', 'Deploy', 'Irsa', 'Nope', ''];
/** A template for the doctor: the issuers of the internet replaced by one that is not. */
const offline = (text: string) => text.split(OKTA).join(LOCAL_ISSUER).split('https://sso.example.com').join('https://127.0.0.1:1');

/** An RSA public key as a JWK, with its private exponent `d`: published, it is a secret the output must never show. */
const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const PUBLIC_JWK = { kty: 'RSA', n: signingKey.n, e: signingKey.e };
/** JWKS files, the valid ones first: what --jwks may be given. */
const JWKS_FILES: Record<string, string | Buffer> = {
  'valid': JSON.stringify({ keys: [{ ...PUBLIC_JWK, kid: 'k1', alg: 'RS256', use: 'sig' }] }),
  'no kid': JSON.stringify({ keys: [PUBLIC_JWK] }),
  'empty': '{"keys":[]}',
  'no JSON': 'keys: []',
  'not a set': '[]',
  'null': 'null',
  'keys null': '{"keys":null}',
  'unknown kty': JSON.stringify({ keys: [{ kty: 'AKP', kid: 'pq\u202e\u001b[2J' }, PUBLIC_JWK] }),
  'private': JSON.stringify({ keys: [{ ...signingKey, kid: 'k1' }] }),
  'padded': JSON.stringify({ keys: [{ ...PUBLIC_JWK, n: `${signingKey.n}==` }] }),
  'kid \u0085': JSON.stringify({ keys: [{ ...PUBLIC_JWK, kid: 'k1\u0085\u202e' }] }),
  '101 keys': JSON.stringify({ keys: Array.from({ length: 101 }, (_, i) => ({ ...PUBLIC_JWK, kid: `k${i}` })) }),
  'deep': `{"keys":[${'['.repeat(20_000)}${']'.repeat(20_000)}]}`,
  'over 1 MiB': JSON.stringify({ keys: [], x: 'x'.repeat(1024 * 1024) }),
  'utf16': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"keys":[]}', 'utf16le')]),
};
/** CA files: what --ca-file may be given. */
const CA_FILES = ['<ca>', 'not PEM', 'a PEM block of garbage', '/dev/zero', 'missing.pem', '<folder>', '<utf16>', 'over 1 MiB'];

/** Logical ids that are no CloudFormation logical ids. */
const LOGICAL_IDS = ['Malformed', '', '__proto__', 'constructor', 'Id\u0085\u202e\u001b[31m', 'x'.repeat(300)];
/** Templates that are no templates. */
const NOT_TEMPLATES = ['[]', 'null', '"x"', '{"Resources": []}', '{"Resources": "x"}', '{"Resources": null}', '{', '', 'eyJhbGciOiJSUzI1NiJ9'];

/** A token: its text (or bytes, for a file), where it goes, and the secrets it holds. */
interface Token { readonly text: string; readonly payload: string; readonly secrets: string[]; readonly encoding: 'utf8' | 'bom' | 'utf16le' | 'utf16be' | 'crlf' }

/** Usually the first, one time in six the second. */
const rarely = <A, B>(usual: fc.Arbitrary<A>, rare: fc.Arbitrary<B>) =>
  fc.oneof({ arbitrary: usual, weight: 5 }, { arbitrary: rare, weight: 1 }) as fc.Arbitrary<A | B>;
const weird = fc.constantFrom('\u0085', '\u009b', '\u202e', '\u2066', '\u200b', '\ufeff', '\u061c', '\u001b[31m', '\u007f', '\u0000', '\n', '\t', '"', '\\');
const text = fc.oneof(fc.string({ maxLength: 20 }), fc.tuple(fc.string({ maxLength: 5 }), weird, fc.string({ maxLength: 5 })).map(s => s.join('')),
  fc.constant('alice@example.com'));
/** A claim's JSON, raw: what JSON.stringify cannot write (1e309, deep nesting) too. */
const json = (value: fc.Arbitrary<unknown>) => value.map(v => JSON.stringify(v));
const time = fc.oneof(
  fc.constant('NOW'), fc.constantFrom('9999999999999', '1e20', '1e309', '-1e309', '8.64e12', '8640000000001', '-62135596801', '253402300800', '1.5', '0', '-1',
    '"1e5"', '"NOW"', 'null', 'true', '[]', '{}', '1E400', '-0', '"  1"', '9007199254740993'),
  json(fc.integer()),
);
const deep = fc.constantFrom(5_000, 20_000).chain(n => fc.constantFrom(`${'['.repeat(n)}${']'.repeat(n)}`, `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`));
/** The claims: usually those the first provider accepts, each now and then something else. */
const claims = fc.record({
  iss: rarely(fc.constant(JSON.stringify(OKTA)), fc.oneof(json(fc.constantFrom(`${OKTA}/`, 'https://sso.example.com/realms/ci')), json(text.map(t => `${OKTA}${t}`)),
    json(fc.integer()))),
  aud: rarely(fc.constant(JSON.stringify(CLIENT_ID)), json(fc.constantFrom([CLIENT_ID, 'x'], 'kubernetes', null, 5, [1]))),
  email: rarely(fc.constant('"alice@example.com"'), json(text)),
  email_verified: rarely(fc.constant('true'), json(fc.constantFrom(false, 'true', null))),
  groups: rarely(json(fc.array(fc.constantFrom('engineering', 'ops'), { maxLength: 3 })), fc.oneof(json(fc.array(text, { maxLength: 4 })), json(text), json(fc.constant(7)), deep)),
  hd: rarely(fc.constant('"example.com"'), json(fc.constantFrom('other.com', null))),
  sub: json(text),
  exp: fc.oneof({ arbitrary: fc.constant('NOW'), weight: 2 }, { arbitrary: time, weight: 1 }),
  nbf: rarely(fc.constant('NOW'), time),
  iat: rarely(fc.constant('NOW'), time),
  big: fc.constantFrom(0, 1000, 200_000).map(n => JSON.stringify('x'.repeat(n))),
}, { requiredKeys: ['iss', 'aud', 'exp', 'email', 'hd'] });

/** An access token of `_claim_sources`: printed by the judge when the claim has the wrong shape. */
const claimSources = fc.tuple(fc.stringMatching(/^[A-Za-z0-9]{20,30}$/), fc.constantFrom('"https://graph.example.com"', '1', 'null'), fc.boolean())
  .map(([secret, endpoint, names]) => ({
    secret: `at_${secret}`,
    json: `"_claim_sources":{"src1":{"endpoint":${endpoint},"access_token":"at_${secret}"}}${names ? ',"_claim_names":{"groups":"src1"}' : ''}`,
  }));

const token: fc.Arbitrary<Token> = fc.record({
  header: rarely(fc.constantFrom('{"alg":"RS256"}', '{"alg":"RS256","kid":"k1"}'), fc.constantFrom('{"alg":"none"}', '{}', '{"alg":1}', '{ "alg": "RS256" }', '{\n"alg":"RS256"}')),
  claims,
  sources: fc.oneof(fc.constant(null), claimSources),
  signature: fc.stringMatching(/^[A-Za-z0-9_-]{24,40}$/),
  shape: rarely(fc.constant('jwt'), fc.constantFrom('bearer', 'spaces', 'empty', 'two parts', 'four parts', 'padded', 'jwe')),
  encoding: rarely(fc.constantFrom('utf8', 'bom', 'crlf'), fc.constantFrom('utf16le', 'utf16be')),
}).map(({ header, claims: c, sources, signature, shape, encoding }) => {
  const now = Math.floor(Date.now() / 1000);
  const entries = Object.entries(c).map(([k, v]) => `"${k}":${String(v).replace(/NOW/, String(now + 600))}`);
  const payload = `{${[...entries, ...sources ? [sources.json] : []].join(',')}}`;
  const jwt = `${part(header)}.${part(payload)}.${signature}`;
  const texts: Record<string, string> = {
    'jwt': jwt,
    'bearer': `Bearer ${jwt}`,
    'spaces': ` \n\t${jwt}\r\n`,
    'empty': '',
    'two parts': `${part(header)}.${part(payload)}`,
    'four parts': `${jwt}.${signature}`,
    'padded': `${Buffer.from(header).toString('base64')}.${Buffer.from(payload).toString('base64')}.${signature}==`,
    'jwe': `${part(header)}.${signature}.${part('iv-iv-iv-iv')}.${part(payload)}.${signature}`,
  };
  return { text: texts[shape], payload, secrets: [signature, ...sources ? [sources.secret] : []], encoding: encoding as Token['encoding'] };
});

/** Where the template comes from. */
const templateChoice = fc.oneof(
  { arbitrary: fc.constant({ kind: 'good' as const }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('malformed' as const), resource: fc.constantFrom(...MALFORMED), id: fc.constantFrom(...LOGICAL_IDS), alone: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('not a template' as const), content: fc.constantFrom(...NOT_TEMPLATES) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('odd file' as const), path: fc.constantFrom('/dev/zero', '/dev/null', 'missing.json', '<folder>', '<utf16>') }), weight: 1 },
);

/** How the token is given. */
const placement = rarely(fc.constantFrom('--token', '--token=', '--token-file', '--token-file=', '-', '--token-file -'),
  fc.constantFrom('stray', '--template', '--provider', '--tokn=', 'command', 'twice', '--token --json'));
/** Other arguments, in any order. */
const noise = fc.record({
  json: fc.boolean(),
  provider: rarely(fc.constant(null), fc.constantFrom(...PROVIDER_NAMES)),
  providerEquals: fc.boolean(),
  templateEquals: fc.boolean(),
  extra: rarely(fc.constant(null), fc.constantFrom<string[]>(['--verbose'], ['--x=y'], ['-v'], ['--json=yes'], ['-h'], ['--provider'], ['--template'], ['--'], ['explain'],
    ['--help=1'])),
  order: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
});

/** How --jwks is given: not at all (mostly), a file, an odd path, with --fetch-keys too (a usage error, before any fetch), --ca-file without --fetch-keys. */
const jwksChoice = fc.oneof({ arbitrary: fc.constant(null), weight: 2 }, {
  arbitrary: fc.record({
    content: rarely(fc.constantFrom(...Object.keys(JWKS_FILES)), fc.constantFrom('/dev/zero', 'missing.json', '<folder>')),
    how: rarely(fc.constantFrom('--jwks', '--jwks='), fc.constantFrom('--jwks --fetch-keys', '--ca-file', '--jwks twice')),
  }),
  weight: 1,
});
interface Case { readonly argv: string[]; readonly input?: Buffer; readonly secrets: string[]; readonly payload: string }
const anyCase = fc.record({
  token,
  template: templateChoice,
  placement,
  noise,
  jwks: jwksChoice,
  // One case in four is the doctor's: its own options, a token given to it a usage error.
  doctor: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, {
    arbitrary: fc.record({
      caFile: rarely(fc.constant(null), fc.constantFrom(...CA_FILES)),
      provider: rarely(fc.constant(null), fc.constantFrom(...DOCTOR_PROVIDER_NAMES)),
      token: rarely(fc.constant(false), fc.constant(true)),
    }),
    weight: 1,
  }),
});
type Generated = typeof anyCase extends fc.Arbitrary<infer T> ? T : never;

let files = 0;
/** Writes a file of the test's folder; returns its path. */
function file(content: string | Buffer): string {
  const path = join(dir, `f${files++}`);
  writeFileSync(path, content);
  return path;
}

function encoded(t: Token): Buffer {
  switch (t.encoding) {
    case 'utf8': return Buffer.from(t.text);
    case 'bom': return Buffer.from(`\uFEFF${t.text}`);
    case 'crlf': return Buffer.from(`${t.text}\r\n`);
    case 'utf16le': return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t.text, 'utf16le')]);
    case 'utf16be': return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(t.text, 'utf16le').swap16()]);
  }
}

/** The command line of a generated case, with the files it names. */
function materialize(generated: Generated, inProcess: boolean): Case {
  return generated.doctor !== null ? materializeDoctor(generated, generated.doctor) : materializeExplain(generated, inProcess);
}

/** A file of the JWKS or CA file chosen, or a path that is none. */
function odd(content: string, contents: Record<string, string | Buffer>): string {
  if (content === '<folder>') return dir;
  if (content.startsWith('/dev/') || content.startsWith('missing')) return content;
  return file(contents[content]);
}

/** The command line of a case of `doctor`. */
function materializeDoctor({ token: t, template: choice, noise: n }: Generated, d: NonNullable<Generated['doctor']>): Case {
  let templatePath: string;
  switch (choice.kind) {
    case 'good': templatePath = doctorTemplate; break;
    case 'malformed': {
      const resources = choice.alone ? { [choice.id]: choice.resource } : { ...DOCTOR_RESOURCES, [choice.id]: choice.resource };
      templatePath = file(offline(JSON.stringify({ Resources: resources })));
      break;
    }
    case 'not a template': templatePath = file(choice.content); break;
    default: templatePath = choice.path === '<folder>' ? dir : choice.path === '<utf16>'
      ? file(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify({ Resources: DOCTOR_RESOURCES }), 'utf16le')])) : choice.path;
  }
  const caFiles: Record<string, string | Buffer> = {
    '<ca>': caPem,
    'not PEM': 'hello',
    'a PEM block of garbage': '-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n',
    '<utf16>': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(caPem, 'utf16le')]),
    'over 1 MiB': `${caPem}${'#'.repeat(1024 * 1024)}`,
  };
  const groups: readonly string[][] = [
    n.templateEquals ? [`--template=${templatePath}`] : ['--template', templatePath],
    ...d.caFile !== null ? [['--ca-file', odd(d.caFile, caFiles)]] : [],
    ...n.json ? [['--json']] : [],
    ...d.provider !== null ? [n.providerEquals ? [`--provider=${d.provider}`] : ['--provider', d.provider]] : [],
    ...d.token ? [['--token', t.text]] : [],
    ...n.extra !== null ? [n.extra.map(a => (a === 'explain' ? 'doctor' : a))] : [],
  ];
  const shuffled = groups.map((g, i) => [n.order[i] ?? 0, g] as const).sort(([a], [b]) => a - b).flatMap(([, g]) => g);
  return { argv: ['doctor', ...shuffled], secrets: [...t.secrets, ...KEY_SECRETS], payload: t.payload };
}

/** The command line of a case of `explain`. */
function materializeExplain({ token: t, template: choice, placement: given, noise: n, jwks }: Generated, inProcess: boolean): Case {
  // Through main(), standard input is empty: the token goes in a file instead.
  const where = inProcess && (given === '-' || given === '--token-file -') ? '--token-file' : given;
  let templatePath: string;
  switch (choice.kind) {
    case 'good': templatePath = template; break;
    case 'malformed': {
      const resources = choice.alone ? { [choice.id]: choice.resource } : { ...RESOURCES, [choice.id]: choice.resource };
      templatePath = file(JSON.stringify({ Resources: resources }));
      break;
    }
    case 'not a template': templatePath = file(choice.content); break;
    default: templatePath = choice.path === '<folder>' ? dir : choice.path === '<utf16>'
      ? file(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify({ Resources: RESOURCES }), 'utf16le')])) : choice.path;
  }
  const tokenArgs: Record<string, string[]> = {
    '--token': ['--token', t.text],
    '--token=': [`--token=${t.text}`],
    '--token-file': ['--token-file', file(encoded(t))],
    '--token-file=': [`--token-file=${file(encoded(t))}`],
    '-': ['-'],
    '--token-file -': ['--token-file', '-'],
    'stray': [t.text],
    '--template': ['--template', t.text],
    '--provider': ['--provider', t.text],
    '--tokn=': [`--tokn=${t.text}`],
    'command': [],
    'twice': ['--token', t.text, '--token', t.text],
    '--token --json': ['--token', '--json'],
  };
  const groups: readonly string[][] = [
    where === '--template' ? [] : n.templateEquals ? [`--template=${templatePath}`] : ['--template', templatePath],
    tokenArgs[where],
    ...n.json ? [['--json']] : [],
    ...n.provider !== null ? [n.providerEquals ? [`--provider=${n.provider}`] : ['--provider', n.provider]] : [],
    ...n.extra !== null ? [n.extra] : [],
    ...jwks !== null ? [jwksArguments(jwks)] : [],
  ];
  // Shuffle the groups of arguments (an option stays with its value).
  const shuffled = groups.map((g, i) => [n.order[i] ?? 0, g] as const).sort(([a], [b]) => a - b).flatMap(([, g]) => g);
  const argv = where === 'command' ? [t.text, ...shuffled] : ['explain', ...shuffled];
  const input = where === '-' || where === '--token-file -' ? encoded(t) : undefined;
  return { argv, input, secrets: [...t.secrets, ...KEY_SECRETS], payload: t.payload };
}

/** The arguments that give keys to explain, as chosen. */
function jwksArguments(jwks: NonNullable<Generated['jwks']>): string[] {
  const path = odd(jwks.content, JWKS_FILES);
  switch (jwks.how) {
    case '--jwks': return ['--jwks', path];
    case '--jwks=': return [`--jwks=${path}`];
    case '--jwks --fetch-keys': return ['--jwks', path, '--fetch-keys'];
    case '--ca-file': return ['--ca-file', caPath];
    default: return ['--jwks', path, '--jwks', path];
  }
}

/** Key material of the JWKS files that must never be printed: the private exponent and primes. */
const KEY_SECRETS = [signingKey.d, signingKey.p, signingKey.q, signingKey.dp, signingKey.dq, signingKey.qi].filter((v): v is string => typeof v === 'string').map(v => v.slice(0, 40));

/** Everything that must hold of a run, as a list of what went wrong. */
function problemsOf(c: Case, run: Run, boundMs: number): string[] {
  const problems: string[] = [];
  const output = `${run.stdout}\n${run.stderr}`;
  if (run.threw !== undefined) problems.push(`main() threw: ${run.threw.slice(0, 500)}`);
  if (run.code === null || ![0, 1, 2, 3].includes(run.code)) problems.push(`exit code ${run.code} (signal ${run.signal})`);
  if (STACK_TRACE.test(output)) problems.push(`a stack trace: ${STACK_TRACE.exec(output)?.[0]}`);
  for (const secret of c.secrets) if (output.includes(secret)) problems.push(`the secret ${secret} is printed`);
  if (UNSAFE.test(output)) problems.push(`a character a terminal acts on: ${JSON.stringify(UNSAFE.exec(output)?.[0])}`);
  if (run.ms > boundMs) problems.push(`${run.ms} ms, more than ${boundMs}`);
  if (run.code !== null && run.code !== 2 && run.stderr !== '') problems.push(`exit ${run.code} with standard error ${run.stderr.slice(0, 200)}`);
  const help = c.argv.some(a => a === '-h' || a === '--help' || a.startsWith('--help='));
  if (help) {
    // The help of the command, or of every command (explain's first) when there is none.
    const command = c.argv[0] === 'doctor' ? 'doctor' : 'explain';
    if (run.code !== 0 || !run.stdout.startsWith(`Usage: cdk-eks-oidc ${command}`)) problems.push('-h is not help');
  } else if (c.argv.slice(1).includes('--json')) {
    try {
      const document = JSON.parse(run.stdout);
      if (document.schemaVersion !== 1 || document.exitCode !== run.code || !Array.isArray(document.providers)) problems.push(`JSON of another schema: ${run.stdout.slice(0, 300)}`);
      const verdicts: Record<string, number> = c.argv[0] === 'doctor' && run.code !== 2
        ? { 'passed': 0, 'failed': 1, 'usage-error': 2, 'not-checked': 3 } : { 'accepted': 0, 'refused': 1, 'usage-error': 2, 'not-judged': 3 };
      if (verdicts[document.verdict] !== run.code) problems.push(`verdict ${document.verdict} with exit code ${run.code}`);
    } catch {
      problems.push(`--json, but not JSON: ${run.stdout.slice(0, 300)}`);
    }
  }
  return problems;
}

/** The claims of the token of a case, shortened, for the report. */
const claimsOf = (c: Case) => c.payload.replace(/(.)\1{50,}/g, (run, ch) => `${ch}...(${run.length})`).replace(/(\{"a":){50,}/g, run => `{"a":...(${run.length / 5})`).slice(0, 300);

/** A case as a failure message shows it: long arguments shortened. */
const shown = (c: Case) => JSON.stringify(c.argv.map(a => (a.length > 120 ? `${a.slice(0, 60)}...(${a.length})` : a)));

beforeAll(() => {
  compiled = compileCli();
  dir = mkdtempSync(join(tmpdir(), 'cdk-eks-oidc-cli-fuzz-files-'));
  mkdirSync(join(dir, 'folder'));
  template = file(JSON.stringify({ Resources: RESOURCES }));
  doctorTemplate = file(JSON.stringify({ Resources: DOCTOR_RESOURCES }));
  caPem = throwAwayCertificate('cli-fuzz').ca;
  caPath = file(caPem);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(compiled, { recursive: true, force: true });
});

test(`${RUNS} random command lines through main(), 200 to a process with a ${HEAP_MB} MB heap`, () => {
  const cases = fc.sample(anyCase, { seed: SEED, numRuns: RUNS }).map(g => materialize(g, true));
  const start = Date.now();
  const { runs, maxRssMb } = runInProcess(compiled, cases.map(c => c.argv), 120_000 + 200 * 2_000);
  const failures = runs.flatMap((run, i) => problemsOf(cases[i], run, IN_PROCESS_MS).map(p => `case ${i} ${shown(cases[i])}: ${p}`));
  const codes = runs.reduce<Record<string, number>>((counts, run) => ({ ...counts, [String(run.code)]: (counts[String(run.code)] ?? 0) + 1 }), {});
  const internal = runs.flatMap((run, i) => (run.stdout.includes('internal error') ? [i] : []));
  const doctorCodes = runs.filter((_, i) => cases[i].argv[0] === 'doctor')
    .reduce<Record<string, number>>((counts, run) => ({ ...counts, [String(run.code)]: (counts[String(run.code)] ?? 0) + 1 }), {});
  const withKeys = runs.filter((_, i) => cases[i].argv[0] === 'explain' && cases[i].argv.some(a => a.startsWith('--jwks')))
    .reduce<Record<string, number>>((counts, run) => ({ ...counts, [String(run.code)]: (counts[String(run.code)] ?? 0) + 1 }), {});
  // What the run covered, for the report: how many cases ended how, and the slowest.
  console.log(`cli-fuzz: ${RUNS} cases in-process (seed ${SEED}) in ${Date.now() - start} ms, exit codes ${JSON.stringify(codes)}, `
    + `slowest ${Math.round(Math.max(...runs.map(r => r.ms)))} ms, peak RSS ${Math.round(maxRssMb)} MB; `
    + `"internal error" of the judge in ${internal.length} cases; doctor's exit codes ${JSON.stringify(doctorCodes)}, explain --jwks's ${JSON.stringify(withKeys)}`);
  for (const i of internal) console.log(`cli-fuzz: case ${i} is "internal error": ${claimsOf(cases[i])}`);
  if (process.env.CLI_FUZZ_DEBUG) {
    const reasons = runs.filter(r => r.code === 2).map(r => r.stderr.split('\n')[0].replace(/".*?"|\(.*?\)/g, '_').slice(0, 70));
    console.log([...new Set(reasons)].map(r => `${reasons.filter(x => x === r).length} ${r}`).join('\n'));
  }
  expect(failures).toEqual([]);
  // Each exit code is reached: the generators are not stuck in one corner.
  expect(Object.keys(codes).sort()).toEqual(['0', '1', '2', '3']);
  expect(Object.keys(doctorCodes).sort()).toEqual(expect.arrayContaining(['1', '2', '3']));
  expect(Object.keys(withKeys).sort()).toEqual(expect.arrayContaining(['1', '2']));
});

test(`${PROCESS_RUNS} random command lines as processes of their own, with standard input`, () => {
  // Linux takes no argument over 128 KiB: such cases run in-process only.
  const cases = fc.sample(anyCase, { seed: SEED + 1, numRuns: PROCESS_RUNS * 3 }).map(g => materialize(g, false))
    .filter(c => c.argv.every(a => Buffer.byteLength(a) < 100_000)).slice(0, PROCESS_RUNS);
  const start = Date.now();
  const failures = cases.flatMap((c, i) => problemsOf(c, runProcess(compiled, c.argv, c.input, PROCESS_MS * 2), PROCESS_MS).map(p => `process ${i} ${shown(c)}: ${p}`));
  console.log(`cli-fuzz: ${PROCESS_RUNS} cases as processes (seed ${SEED + 1}) in ${Date.now() - start} ms`);
  expect(failures).toEqual([]);
});

describe('as a process: what only a process shows', () => {
  const ALICE = () => {
    const now = Math.floor(Date.now() / 1000);
    return `${part('{"alg":"RS256"}')}.${part(JSON.stringify({ iss: OKTA, aud: CLIENT_ID, email: 'a@example.com', hd: 'example.com', exp: now + 600 }))}.c2lnbmF0dXJlLXNpZ25hdHVyZQ`;
  };

  test.each([[[]], [['--json']]])('standard output closed early (`| true`) %j: no EPIPE stack trace, the verdict\'s exit code', async flags => {
    const run = await runWithClosedOutput(compiled, ['explain', '--template', template, '--token', ALICE(), ...flags]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  });

  test.each([
    ['--template /dev/zero', ['--template', '/dev/zero', '--token', 'x'], /^cdk-eks-oidc: the template "\/dev\/zero" is larger than 10 MiB/],
    ['--token-file /dev/zero', ['--token-file', '/dev/zero'], /^cdk-eks-oidc: the token "\/dev\/zero" is larger than 1 MiB/],
    ['- with 1 MiB and a byte', ['-'], /^cdk-eks-oidc: the token from standard input is larger than 1 MiB/],
    ['--token-file - with UTF-16', ['--token-file', '-'], /^cdk-eks-oidc: the token from standard input is UTF-16: save it as UTF-8/],
    ['- with a Bearer prefix', ['-'], /^cdk-eks-oidc: the token starts with "Bearer " \(from standard input\): remove the 'Bearer ' prefix/],
  ])('%s: exit 2 at once, in bounded memory', (name, args, message) => {
    const inputs: Record<string, Buffer> = {
      '- with 1 MiB and a byte': Buffer.alloc(MIB + 1, 'a'),
      '--token-file - with UTF-16': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ALICE(), 'utf16le')]),
      '- with a Bearer prefix': Buffer.from(`Bearer ${ALICE()}\n`),
    };
    const run = runProcess(compiled, ['explain', ...args.includes('--template') ? [] : ['--template', template], ...args], inputs[name], PROCESS_MS);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });

  test('the token from standard input, with - and with --token-file -', () => {
    for (const args of [['-'], ['--token-file', '-'], ['--token-file=-']]) {
      const run = runProcess(compiled, ['explain', '--template', template, '--provider', 'okta', ...args], `  ${ALICE()}\r\n`, PROCESS_MS);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/^Okta \(okta\) at Platform\/Okta\/Resource\n {2}accepted /);
    }
  });
});

// The exec credential script of KubeconfigLogin.gitHubActions(), run with node as kubectl runs it,
// against a loopback stand-in for the GitHub Actions runner's token endpoint.
import { execFile } from 'child_process';
import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { AUDIENCE_VARIABLE, GITHUB_ACTIONS_TOKEN_SCRIPT } from '../src/private/github-actions-token-script';

// Each test runs the script in new Node.js processes, which on a loaded 2-core machine (the test
// command runs steps at once) takes seconds rather than the default 5 s budget.
jest.setTimeout(60_000);

const REQUEST_TOKEN = 'runner-request-token-0a1b2c';
const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
/** A token as GitHub's are shaped (the signature is not the script's to check). */
const jwt = (claims: object) => `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}.c2lnbmF0dXJl`;
const EXP = 1_900_000_000;

interface Request {
  readonly path: string;
  readonly audience: string | null;
  readonly authorization: string | undefined;
}

/** The stand-in: records each request and answers as `answer` says. */
class TokenEndpoint {
  static async start(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<TokenEndpoint> {
    const endpoint = new TokenEndpoint(answer);
    await new Promise<void>(resolve => endpoint.server.listen(0, '127.0.0.1', resolve));
    return endpoint;
  }

  readonly requests: Request[] = [];
  private readonly server: Server;

  private constructor(answer: (req: IncomingMessage, res: ServerResponse) => void) {
    this.server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://127.0.0.1');
      this.requests.push({ path: url.pathname + '?' + url.searchParams.toString(), audience: url.searchParams.get('audience'), authorization: req.headers.authorization });
      answer(req, res);
    });
  }

  /** The URL the runner gives jobs: it already has a query. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/idtoken?api-version=2.0`;
  }

  stop(): Promise<void> {
    return new Promise(resolve => this.server.close(() => resolve()));
  }
}

/** GitHub's answer: the token for the bearer and audience the runner expects, else 401/400. */
const GITHUB = (token: string) => (req: IncomingMessage, res: ServerResponse) => {
  const audience = new URL(req.url!, 'http://127.0.0.1').searchParams.get('audience');
  if (req.headers.authorization !== `bearer ${REQUEST_TOKEN}`) res.writeHead(401).end();
  else if (audience === null) res.writeHead(400).end();
  else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: 1234, value: token }));
};

type Result = { code: number; stdout: string; stderr: string };

/**
 * Runs the script as kubectl does: `node -e <script>`, the runner's variables and the audience in
 * the environment; in an empty folder that is also its home and temporary folder, which must stay
 * empty (the token is never written to disk).
 */
async function run(env: Record<string, string | undefined>): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'cdk-eks-oidc-script-'));
  const environment: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, TMPDIR: dir };
  for (const [name, value] of Object.entries(env)) if (value !== undefined) environment[name] = value;
  try {
    return await new Promise(done => execFile(process.execPath, ['-e', GITHUB_ACTIONS_TOKEN_SCRIPT], { env: environment, cwd: dir }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })));
  } finally {
    expect(readdirSync(dir)).toEqual([]);
    rmSync(dir, { recursive: true });
  }
}

const runnerEnv = (endpoint: TokenEndpoint, audience: string | undefined = 'kubernetes') => ({
  ACTIONS_ID_TOKEN_REQUEST_URL: endpoint.url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN, [AUDIENCE_VARIABLE]: audience,
});

describe('a token from the runner', () => {
  test('asks with the bearer and the audience, and prints an ExecCredential with the token\'s expiry in RFC 3339', async () => {
    const token = jwt({ iss: 'https://token.actions.githubusercontent.com', aud: 'kubernetes', exp: EXP, sub: 'repo:octo-org/infra:ref:refs/heads/main' });
    const endpoint = await TokenEndpoint.start(GITHUB(token));
    try {
      const result = await run(runnerEnv(endpoint));
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(result.stdout)).toEqual({
        apiVersion: 'client.authentication.k8s.io/v1',
        kind: 'ExecCredential',
        status: { token, expirationTimestamp: '2030-03-17T17:46:40Z' },
      });
      expect(new Date('2030-03-17T17:46:40Z').getTime()).toBe(EXP * 1000);
      expect(endpoint.requests).toEqual([{ path: '/idtoken?api-version=2.0&audience=kubernetes', audience: 'kubernetes', authorization: `bearer ${REQUEST_TOKEN}` }]);
    } finally {
      await endpoint.stop();
    }
  });

  test('an audience with characters a query would read otherwise is URI-encoded, as @actions/core does', async () => {
    const endpoint = await TokenEndpoint.start(GITHUB(jwt({ exp: EXP })));
    try {
      const audience = 'api://eks&x=1 #a';
      expect((await run(runnerEnv(endpoint, audience))).code).toBe(0);
      expect(endpoint.requests.map(r => r.audience)).toEqual([audience]);
    } finally {
      await endpoint.stop();
    }
  });

  test('a fresh token each run: nothing is cached', async () => {
    let n = 0;
    const endpoint = await TokenEndpoint.start((req, res) => GITHUB(jwt({ exp: EXP + n++ }))(req, res));
    try {
      const tokens = [];
      for (let i = 0; i < 3; i++) tokens.push(JSON.parse((await run(runnerEnv(endpoint))).stdout).status.token);
      expect(new Set(tokens).size).toBe(3);
      expect(endpoint.requests).toHaveLength(3);
    } finally {
      await endpoint.stop();
    }
  });
});

describe('failures: exit code 1, a fixed message on stderr, nothing on stdout, no token anywhere', () => {
  const SECRET = 'eyJzZWNyZXQiOiJ0b2tlbiJ9.never-shown';

  test.each<[string, Record<string, string | undefined>, string]>([
    ['no ACTIONS_ID_TOKEN_REQUEST_URL', { ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN, [AUDIENCE_VARIABLE]: 'kubernetes' },
      'cdk-eks-oidc: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set: run this in a GitHub Actions job with permissions: id-token: write\n'],
    ['no ACTIONS_ID_TOKEN_REQUEST_TOKEN', { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/x?a=b', [AUDIENCE_VARIABLE]: 'kubernetes' },
      'cdk-eks-oidc: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set: run this in a GitHub Actions job with permissions: id-token: write\n'],
    ['no audience', { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/x?a=b', ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN },
      'cdk-eks-oidc: CDK_EKS_OIDC_AUDIENCE is not set: use the kubeconfig as rendered, whose exec entry sets it\n'],
  ])('%s', async (_, env, message) => {
    const result = await run(env);
    expect(result).toEqual({ code: 1, stdout: '', stderr: message });
  });

  test.each<[string, (req: IncomingMessage, res: ServerResponse) => void, string, string?]>([
    ['an error status (its body not shown)', (_req, res) => res.writeHead(500).end(`{"message":"internal","value":"${SECRET}"}`),
      'the runner\'s token endpoint answered HTTP 500'],
    // The right endpoint, but not the request token it expects.
    ['a refused request token', GITHUB(SECRET), 'the runner\'s token endpoint answered HTTP 401', 'stale-request-token'],
    ['an answer that is not JSON (a parse error would quote it)', (_req, res) => res.writeHead(200).end(`value=${SECRET}`),
      'the runner\'s token endpoint did not answer JSON'],
    ['an answer without a token', (_req, res) => res.writeHead(200).end(JSON.stringify({ count: 1, token: SECRET })),
      'the runner\'s token endpoint answered no token'],
    ['a token whose payload is not JSON', (_req, res) => res.writeHead(200).end(JSON.stringify({ value: `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(`{${SECRET}`).toString('base64url')}.c2ln` })),
      'the token\'s payload is not JSON'],
    ['a token without exp', (_req, res) => res.writeHead(200).end(JSON.stringify({ value: jwt({ sub: SECRET }) })), 'the token has no exp claim'],
    ['an answer cut off', (_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write(`{"value":"${SECRET}`);
      setTimeout(() => res.destroy(), 50);
    }, 'reading the runner\'s token endpoint\'s answer failed'],
  ])('%s', async (_, answer, message, requestToken = REQUEST_TOKEN) => {
    const endpoint = await TokenEndpoint.start(answer);
    try {
      const result = await run({ ...runnerEnv(endpoint), ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken });
      expect(result).toEqual({ code: 1, stdout: '', stderr: `cdk-eks-oidc: ${message}\n` });
      for (const secret of [SECRET, requestToken, Buffer.from(`{${SECRET}`).toString('base64url')]) expect(result.stderr).not.toContain(secret);
    } finally {
      await endpoint.stop();
    }
  });

  test('an endpoint that cannot be reached: the error\'s code alone', async () => {
    const endpoint = await TokenEndpoint.start(() => undefined);
    const url = endpoint.url;
    await endpoint.stop();
    const result = await run({ ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN, [AUDIENCE_VARIABLE]: 'kubernetes' });
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'cdk-eks-oidc: the runner\'s token endpoint could not be reached (ECONNREFUSED)\n' });
  });
});

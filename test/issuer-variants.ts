// HTTPS OpenID Connect issuers on 127.0.0.1 for the doctor's tests (test/doctor.test.ts, and the
// `doctor` command's in test/cli.test.ts): one server per certificate (signed by a throw-away CA,
// as test/e2e/pki.ts's; expired; self-signed), each serving variants of an issuer by first path
// segment (`<origin>/correct`, `<origin>/slash`, ...). Only the CA file trusts them: EKS would
// refuse every one.
import { execFileSync } from 'child_process';
import { generateKeyPairSync } from 'crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { IncomingMessage, ServerResponse } from 'http';
import { createServer, Server } from 'https';
import { AddressInfo, Socket } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { MAX_JWKS_BYTES } from '../src/private/jwks';

export const DISCOVERY = '/.well-known/openid-configuration';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });

/** The running issuers. */
export interface IssuerVariants {
  /** Signed by the throw-away CA: `${origin}/<variant>` is an issuer URL. */
  readonly origin: string;
  /** Its certificate expired. */
  readonly expiredOrigin: string;
  /** Its certificate is self-signed. */
  readonly selfSignedOrigin: string;
  /** The throw-away CA, PEM. */
  readonly caFile: string;
  /** The CA file's path. */
  readonly caPath: string;
  /** The certificate and key of `origin` (for another server of the same CA). */
  readonly issuerCert: { readonly cert: Buffer; readonly key: Buffer };
  /** Sockets of the slow and huge variants, to show the client closed them. */
  readonly held: Socket[];
  stop(): Promise<void>;
}

/** The issuer variants, by first path segment. */
function handle(req: IncomingMessage, res: ServerResponse, held: Socket[]): void {
  const url = new URL(req.url ?? '/', 'https://x');
  const [, variant, ...rest] = url.pathname.split('/');
  const base = `https://${req.headers.host}/${variant}`;
  const path = `/${rest.join('/')}`;
  const json = (body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const discovery = (overrides: object = {}) => json({
    issuer: base, jwks_uri: `${base}/jwks`, id_token_signing_alg_values_supported: ['RS256'], response_types_supported: ['id_token'], ...overrides,
  });
  const keys = { keys: [{ ...rsa, kid: 'k1', alg: 'RS256', use: 'sig' }] };
  switch (variant) {
    case 'slow':
      held.push(req.socket);
      return; // never answers
    case 'huge':
      if (path !== DISCOVERY) break;
      held.push(req.socket);
      res.writeHead(200, { 'content-type': 'application/json' });
      // A body without end, until the client hangs up (at most 64 MiB).
      let written = 0;
      const more = () => {
        while (written < 64 * MAX_JWKS_BYTES && !res.destroyed) {
          written += 65536;
          if (!res.write(`${'x'.repeat(65535)}\n`)) return res.once('drain', more);
        }
        return res.end();
      };
      return void more();
    case 'hugeDeclared':
      if (path !== DISCOVERY) break;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50 * MAX_JWKS_BYTES) });
      return void res.write('{');
    case 'loop':
      res.writeHead(302, { location: path === DISCOVERY ? `/${variant}/elsewhere` : `/${variant}${DISCOVERY}` });
      return void res.end();
    case 'chain': { // seven redirects: DISCOVERY, /r1, ..., /r6, then the document
      const hop = path === DISCOVERY ? 0 : Number(path.slice(2));
      if (hop < 7) return void res.writeHead(302, { location: `/${variant}/r${hop + 1}` }).end();
      return discovery();
    }
    case 'toHttp':
      return void res.writeHead(301, { location: `http://${req.headers.host}/correct${DISCOVERY}` }).end();
    case 'nodiscovery':
      break;
    case 'slash':
      if (path === DISCOVERY) return discovery({ issuer: `${base}/` });
      if (path === '/jwks') return json(keys);
      break;
    case 'escape':
      if (path === DISCOVERY) return discovery({ issuer: `${base}\u001b[2J\u202Egnp.exe` });
      break;
    case 'hs256':
      if (path === DISCOVERY) return discovery({ id_token_signing_alg_values_supported: ['HS256'] });
      if (path === '/jwks') return json(keys);
      break;
    case 'jwks404':
      if (path === DISCOVERY) return discovery();
      break;
    case 'jwksEmpty':
      if (path === DISCOVERY) return discovery();
      if (path === '/jwks') return json({ keys: [] });
      break;
    case 'jwksSpoiled':
      if (path === DISCOVERY) return discovery();
      if (path === '/jwks') return json({ keys: [{ kty: 'AKP', kid: 'pq', alg: 'ML-DSA-44' }, ...keys.keys] });
      break;
    case 'jwksEc':
      if (path === DISCOVERY) return discovery();
      if (path === '/jwks') return json({ keys: [{ ...ec, kid: 'e1', alg: 'ES256', use: 'sig' }] });
      break;
    default: // correct
      if (path === DISCOVERY) return discovery();
      if (path === '/jwks') return json(keys);
  }
  res.writeHead(404).end();
}


/** A new throw-away CA (PEM) and a certificate of it for 127.0.0.1, made with openssl (EC keys: RSA key generation is slow on a busy machine). */
export function throwAwayCertificate(name: string): { readonly ca: string; readonly cert: Buffer; readonly key: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), `cdk-eks-oidc-${name}-`));
  try {
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    openssl('req', '-x509', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', `/CN=${name}-ca`);
    openssl('req', ...ecKey, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/CN=${name}`);
    openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.crt', '-days', '1', '-extfile', 'san.ext');
    return { ca: readFileSync(join(dir, 'ca.crt'), 'utf8'), cert: readFileSync(join(dir, 'leaf.crt')), key: readFileSync(join(dir, 'leaf.key')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts the three servers, with a new throw-away CA. */
export async function startIssuerVariants(): Promise<IssuerVariants> {
  const servers: Server[] = [];
  const held: Socket[] = [];
  const serve = async (cert: Buffer, key: Buffer): Promise<string> => {
    const server = createServer({ cert, key }, (req, res) => handle(req, res, held));
    servers.push(server);
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  // A throw-away CA as test/e2e/pki.ts makes one, with EC keys (RSA key generation is slow on a busy machine).
  const dir = mkdtempSync(join(tmpdir(), 'cdk-eks-oidc-doctor-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl('req', '-x509', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=cdk-eks-oidc-doctor-test-ca');
  for (const [name, days] of [['issuer', '1'], ['expired', '-1']]) {
    // expired: notAfter a day before notBefore, which is now
    openssl('req', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', days, '-extfile', 'san.ext');
  }
  openssl('req', '-x509', ...ecKey, '-keyout', 'self.key', '-out', 'self.crt', '-days', '1', '-subj', '/CN=self', '-addext', 'subjectAltName=IP:127.0.0.1');
  const file = (name: string) => readFileSync(join(dir, name));
  const issuerCert = { cert: file('issuer.crt'), key: file('issuer.key') };
  return {
    origin: await serve(issuerCert.cert, issuerCert.key),
    expiredOrigin: await serve(file('expired.crt'), file('expired.key')),
    selfSignedOrigin: await serve(file('self.crt'), file('self.key')),
    caFile: file('ca.crt').toString(),
    caPath: join(dir, 'ca.crt'),
    issuerCert,
    held,
    async stop() {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise(resolve => server.close(resolve));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A local HTTPS OpenID Connect issuer: for any host it is reached by and any issuer path it
// serves the discovery document and the JWKS of one RSA key, and it mints RS256 ID tokens signed
// with that key.
import { createSign, generateKeyPairSync, KeyObject } from 'crypto';
import { createServer, Server } from 'https';
import { AddressInfo } from 'net';

const KID = 'cdk-eks-oidc-e2e';
const DISCOVERY = '/.well-known/openid-configuration';

export class OidcIssuer {
  /** Starts the issuer on a free loopback port. */
  static async start(cert: Buffer, key: Buffer): Promise<OidcIssuer> {
    const issuer = new OidcIssuer(cert, key);
    await new Promise<void>(resolve => issuer.server.listen(0, '127.0.0.1', resolve));
    return issuer;
  }

  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  /** Paths of issuers whose URL ends in "/", without it. */
  private readonly slashIssuerPaths = new Set<string>();
  private readonly server: Server;

  private constructor(cert: Buffer, key: Buffer) {
    this.server = createServer({ cert, key }, (req, res) => {
      const path = new URL(req.url ?? '/', this.origin).pathname;
      const reply = (body: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (path.endsWith(DISCOVERY)) {
        // Reached through the proxy as, e.g., token.actions.githubusercontent.com, it is that issuer.
        const base = `https://${req.headers.host}${path.slice(0, -DISCOVERY.length)}`;
        // An issuer URL ending in "/" (Auth0's) has its discovery document at <issuer without the "/">/.well-known/...
        const issuerUrl = this.slashIssuerPaths.has(path.slice(0, -DISCOVERY.length)) ? `${base}/` : base;
        return reply({
          issuer: issuerUrl,
          jwks_uri: `${base}/jwks`,
          response_types_supported: ['id_token'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
        });
      }
      if (path.endsWith('/jwks')) return reply(JSON.parse(this.jwks));
      res.writeHead(404).end();
    });
  }

  /** `https://127.0.0.1:<port>`: issuer URLs are this plus an optional path. */
  get origin(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** An ID token with the given claims, valid for ten minutes, signed by this issuer's key. */
  mint(claims: Record<string, unknown>, signingKey: KeyObject = this.keys.privateKey): string {
    const now = Math.floor(Date.now() / 1000);
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    return this.sign(`${encode({ alg: 'RS256', typ: 'JWT', kid: KID })}.${encode({ iat: now, exp: now + 600, ...claims })}`, signingKey);
  }

  /** The header and payload parts given, as they are, signed with RS256 by this issuer's key (whatever the header says). */
  sign(unsigned: string, signingKey: KeyObject = this.keys.privateKey): string {
    return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(signingKey).toString('base64url')}`;
  }

  /** Serves `<origin><path>/` as an issuer URL with its trailing "/", as Auth0's are. */
  addSlashIssuer(path: string): void {
    this.slashIssuerPaths.add(path);
  }

  /** The JSON Web Key Set the issuer serves at every `<issuer>/jwks`: its one RSA public key. */
  get jwks(): string {
    return JSON.stringify({ keys: [{ ...this.keys.publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }] });
  }

  /** The key id the issuer's JWKS names. */
  get kid(): string {
    return KID;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise(resolve => this.server.close(() => resolve()));
  }
}

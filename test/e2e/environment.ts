// The throw-away world of one e2e suite: a folder, a certificate authority, the local OIDC issuer
// and one etcd, made before the suite's tests and removed after them.
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Etcd } from './control-plane';
import { kubernetesBinaries } from './kubernetes-binaries';
import { OidcIssuer } from './oidc-issuer';
import { makePki, Pki } from './pki';

export interface E2eEnvironment {
  readonly binaries: ReturnType<typeof kubernetesBinaries>;
  readonly dir: string;
  readonly pki: Pki;
  readonly issuer: OidcIssuer;
  readonly etcd: Etcd;
}

/**
 * Registers the suite's beforeAll and afterAll, and returns the environment they fill in.
 *
 * @param name a word for the folder's name
 * @param issuerHosts public host names the issuer's certificate names too (see issuer-proxy.ts)
 */
export function e2eEnvironment(name: string, issuerHosts: string[] = []): E2eEnvironment {
  const env = { binaries: kubernetesBinaries() } as { -readonly [K in keyof E2eEnvironment]: E2eEnvironment[K] };
  beforeAll(async () => {
    env.dir = mkdtempSync(join(tmpdir(), `cdk-eks-oidc-${name}-`));
    env.pki = makePki(env.dir, issuerHosts);
    const serving = env.pki.serving('issuer');
    env.issuer = await OidcIssuer.start(serving.cert, serving.key);
    env.etcd = await Etcd.start(env.binaries.etcd, env.dir);
  });
  afterAll(async () => {
    await env.etcd?.process.stop();
    await env.issuer?.stop();
    if (env.dir) rmSync(env.dir, { recursive: true, force: true });
  });
  return env;
}

// A throw-away certificate authority for one e2e run: it signs the serving certificates of the
// OIDC issuer and of kube-apiserver, which the apiserver (--oidc-ca-file) and the test trust.
import { execFileSync } from 'child_process';
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

export interface Pki {
  readonly dir: string;
  readonly caFile: string;
  readonly ca: Buffer;
  /** kube-apiserver's service-account signing key pair. */
  readonly serviceAccount: { keyFile: string; publicKeyFile: string };
  /**
   * A serving certificate and key for 127.0.0.1 and localhost, by name; the issuer's also for
   * the public issuer hosts that the test's proxy sends to it.
   */
  serving(name: 'issuer' | 'apiserver'): { certFile: string; keyFile: string; cert: Buffer; key: Buffer };
}

export function makePki(dir: string, issuerHosts: string[] = []): Pki {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=cdk-eks-oidc-e2e-ca');
  const hosts = { issuer: ['localhost', ...issuerHosts], apiserver: ['localhost'] };
  for (const [name, dns] of Object.entries(hosts)) {
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=IP:127.0.0.1,${dns.map(host => `DNS:${host}`).join(',')}\nextendedKeyUsage=serverAuth\n`);
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
      '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
  }
  openssl('genrsa', '-out', 'sa.key', '2048');
  openssl('rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub');

  const file = (name: string) => join(dir, name);
  return {
    dir,
    caFile: file('ca.crt'),
    ca: readFileSync(file('ca.crt')),
    serving: (name) => ({
      certFile: file(`${name}.crt`),
      keyFile: file(`${name}.key`),
      cert: readFileSync(file(`${name}.crt`)),
      key: readFileSync(file(`${name}.key`)),
    }),
    serviceAccount: { keyFile: file('sa.key'), publicKeyFile: file('sa.pub') },
  };
}

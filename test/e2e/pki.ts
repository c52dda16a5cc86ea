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
  /** A serving certificate and key for 127.0.0.1 and localhost, by name. */
  serving(name: 'issuer' | 'apiserver'): { certFile: string; keyFile: string; cert: Buffer; key: Buffer };
}

export function makePki(dir: string): Pki {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=cdk-eks-oidc-e2e-ca');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  for (const name of ['issuer', 'apiserver']) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
      '-out', `${name}.crt`, '-days', '1', '-extfile', 'san.ext');
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

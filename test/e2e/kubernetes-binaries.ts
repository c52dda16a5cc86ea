// kube-apiserver, kubectl and etcd, from the folder build-kubernetes.sh printed (K8S_BIN).
import { existsSync } from 'fs';
import { join } from 'path';

export function kubernetesBinaries() {
  const bin = process.env.K8S_BIN;
  if (!bin) throw new Error('K8S_BIN is not set: run `npx projen test:e2e`, or `K8S_BIN=$(bash test/e2e/build-kubernetes.sh) npx jest test/e2e`');
  const binaries = { dir: bin, kubeApiServer: join(bin, 'kube-apiserver'), kubectl: join(bin, 'kubectl'), etcd: join(bin, 'etcd') };
  for (const binary of [binaries.kubeApiServer, binaries.kubectl, binaries.etcd]) {
    if (!existsSync(binary)) throw new Error(`${binary} is missing: run test/e2e/build-kubernetes.sh`);
  }
  return binaries;
}

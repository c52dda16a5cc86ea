// A real Kubernetes control plane on loopback: one etcd, and a kube-apiserver started (and
// stopped) once per OIDC configuration. Every process is a child of the test and is killed by it.
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import { request as httpsRequest } from 'https';
import { createServer } from 'net';
import { join } from 'path';
import { Pki } from './pki';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A child process whose output is kept, so that a failure can show its last lines. */
class Process {
  private readonly output: string[] = [];
  private readonly child: ChildProcess;

  constructor(readonly name: string, binary: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
    this.child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      stream.setEncoding('utf8').on('data', (chunk: string) => this.output.push(...chunk.split('\n').filter(Boolean)));
    }
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  tail(lines = 40): string {
    return `--- last ${lines} lines of ${this.name} ---\n${this.output.slice(-lines).join('\n')}`;
  }

  /**
   * Kills the process and waits for its exit. No graceful shutdown: what it holds is thrown away
   * with the test's folder, and kube-apiserver's takes a second or more, fifteen times a run.
   */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exit = new Promise(resolve => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exit;
  }
}

/** Polls until `ready` holds, failing with the process's log tail if it dies or times out. */
async function waitFor(process: Process, what: string, timeoutMs: number, ready: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready().catch(() => false))) {
    if (process.exited) throw new Error(`${process.name} exited before ${what}\n${process.tail()}`);
    if (Date.now() > deadline) throw new Error(`${process.name}: no ${what} after ${timeoutMs} ms\n${process.tail()}`);
    await sleep(200);
  }
}

export interface Response {
  readonly status: number;
  readonly body: any;
}

export class Etcd {
  static async start(binary: string, dir: string): Promise<Etcd> {
    const [client, peer] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${client}`;
    const etcd = new Etcd(url, new Process('etcd', binary, [
      '--name=e2e', `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${url}`, `--advertise-client-urls=${url}`,
      `--listen-peer-urls=http://127.0.0.1:${peer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-cluster=e2e=http://127.0.0.1:${peer}`, '--log-level=warn', '--unsafe-no-fsync=true',
    ]));
    await waitFor(etcd.process, 'health', 30_000, async () => (await fetch(`${url}/health`)).ok);
    return etcd;
  }

  private constructor(readonly url: string, readonly process: Process) {}
}

/** kube-apiserver's OIDC flags, as `--oidc-<name>=<value>` without the prefix. */
export type OidcFlags = Array<[string, string]>;

export class ApiServer {
  /**
   * Starts kube-apiserver with RBAC authorization, a static admin token (group system:masters),
   * and the given OIDC flags (none: no OIDC authenticator), in the given environment. Each
   * server keeps its objects under an etcd prefix of its own.
   */
  static async start(binary: string, pki: Pki, etcd: Etcd, oidc: OidcFlags, name: string, env?: NodeJS.ProcessEnv): Promise<ApiServer> {
    const dir = join(pki.dir, name);
    mkdirSync(dir, { recursive: true });
    const adminToken = randomBytes(24).toString('hex');
    writeFileSync(join(dir, 'tokens.csv'), `${adminToken},e2e-admin,e2e-admin,"system:masters"\n`);
    const port = await freePort();
    const serving = pki.serving('apiserver');
    const server = new ApiServer(port, pki.ca, adminToken, new Process('kube-apiserver', binary, [
      `--etcd-servers=${etcd.url}`, `--etcd-prefix=/registry-${name}`,
      '--bind-address=127.0.0.1', `--secure-port=${port}`, '--advertise-address=127.0.0.1',
      `--tls-cert-file=${serving.certFile}`, `--tls-private-key-file=${serving.keyFile}`,
      '--authorization-mode=RBAC', `--token-auth-file=${join(dir, 'tokens.csv')}`,
      `--service-account-key-file=${pki.serviceAccount.publicKeyFile}`,
      `--service-account-signing-key-file=${pki.serviceAccount.keyFile}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-cluster-ip-range=10.96.0.0/24', '--endpoint-reconciler-type=none', '--profiling=false',
      ...(oidc.length > 0 ? [`--oidc-ca-file=${pki.caFile}`] : []),
      ...oidc.map(([flag, value]) => `--oidc-${flag}=${value}`),
    ], env));
    await waitFor(server.process, '/readyz', 120_000, async () => (await server.request(adminToken, 'GET', '/readyz')).status === 200);
    return server;
  }

  private constructor(readonly port: number, private readonly ca: Buffer, readonly adminToken: string, readonly process: Process) {}

  /** One HTTPS request to the API server with a bearer token, and more headers if given. */
  request(token: string, method: string, path: string, body?: unknown, contentType = 'application/json',
    headers: Record<string, string> = {}): Promise<Response> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest({
        host: '127.0.0.1',
        port: this.port,
        path,
        method,
        ca: this.ca,
        timeout: 30_000,
        headers: { 'authorization': `Bearer ${token}`, 'content-type': contentType, 'accept': 'application/json', ...headers },
      }, res => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk; }).on('end', () => {
          let parsed: unknown = text;
          try { parsed = JSON.parse(text); } catch { /* not JSON: keep the text */ }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`))).on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  /** Server-side apply of one object as the admin, as `kubectl apply --server-side` does. */
  async apply(object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): Promise<void> {
    const group = object.apiVersion.includes('/') ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
    const namespace = object.metadata.namespace ? `/namespaces/${object.metadata.namespace}` : '';
    const plural = `${object.kind.toLowerCase()}s`;
    const path = `${group}${namespace}/${plural}/${object.metadata.name}?fieldManager=cdk-eks-oidc-e2e&force=true`;
    // Right after /readyz the server may still be filling its caches (a namespace just made,
    // the RBAC API's discovery): a few retries, as kubectl users know to do.
    let response: Response | undefined;
    for (let attempt = 0; attempt < 10 && (response === undefined || response.status >= 300); attempt++) {
      if (attempt > 0) await sleep(300);
      response = await this.request(this.adminToken, 'PATCH', path, object, 'application/apply-patch+yaml');
    }
    if (response!.status >= 300) {
      throw new Error(`apply ${object.kind} ${object.metadata.name}: ${response!.status} ${JSON.stringify(response!.body)}`);
    }
  }

  /** Writes a kubeconfig for kubectl as the admin, and returns its path. */
  writeAdminKubeconfig(dir: string): string {
    const file = join(dir, 'admin.kubeconfig');
    // JSON is YAML: kubectl reads it as it is.
    writeFileSync(file, JSON.stringify({
      'apiVersion': 'v1',
      'kind': 'Config',
      'clusters': [{ name: 'e2e', cluster: { 'server': `https://127.0.0.1:${this.port}`, 'certificate-authority-data': this.ca.toString('base64') } }],
      'users': [{ name: 'admin', user: { token: this.adminToken } }],
      'contexts': [{ name: 'e2e', context: { cluster: 'e2e', user: 'admin' } }],
      'current-context': 'e2e',
    }));
    return file;
  }

  /**
   * Waits until the OIDC authenticator accepts the token: /readyz does not wait for it, and it
   * fetches the issuer's discovery document in the background (retrying every 10 s).
   */
  async waitForAuthentication(token: string): Promise<void> {
    await waitFor(this.process, 'OIDC authentication', 25_000, async () => (await this.request(token, 'POST',
      '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' })).status === 201);
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}

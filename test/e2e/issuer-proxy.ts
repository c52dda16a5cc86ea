// An HTTPS proxy on loopback that takes kube-apiserver's requests for public issuers
// (token.actions.githubusercontent.com, ...) to the local issuer, so that presets with fixed
// issuer URLs run with kube-apiserver's own OIDC flags, unchanged. kube-apiserver reaches it
// through HTTPS_PROXY (Go's ProxyFromEnvironment, which never proxies loopback addresses, so
// etcd and the test's own requests go direct). It tunnels only to the local issuer: a request
// for any other host is refused, and nothing leaves the machine.
import { createServer, Server } from 'http';
import { AddressInfo, connect, Socket } from 'net';

export class IssuerProxy {
  static async start(hosts: string[], issuerPort: number): Promise<IssuerProxy> {
    const proxy = new IssuerProxy(hosts, issuerPort);
    await new Promise<void>(resolve => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** Every CONNECT target seen, for the test to show the proxy was used. */
  readonly tunnels: string[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(hosts: string[], issuerPort: number) {
    this.server = createServer((_, res) => res.writeHead(405).end());
    this.server.on('connect', (req, client: Socket) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      const target = req.url ?? '';
      this.tunnels.push(target);
      const [host, port] = target.split(':');
      if (!hosts.includes(host) || port !== '443') {
        client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      const upstream = connect(issuerPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client).pipe(upstream);
      });
      this.sockets.add(upstream);
      upstream.on('close', () => this.sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
  }

  /** `http://127.0.0.1:<port>`, for HTTPS_PROXY. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise(resolve => this.server.close(() => resolve()));
  }
}

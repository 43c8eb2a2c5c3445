import { IncomingMessage, ServerResponse, createServer as createHttpServer, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tinyPng } from './fake-providers/wavespeed/tiny-png';

export interface ImageHostRequest {
  path: string;
  host: string | undefined;
  /** The TLS server name the client sent (https only). */
  servername?: string;
}

/**
 * A web server clients point image URLs at, with the misbehaviours a downloader must survive:
 * redirects (to anywhere), bodies larger than promised or with no length, a drip feed, silence,
 * errors and pages that are not images. Plain http, or https with a certificate the test made.
 *
 *   /image.png            a real PNG              /page.html      an HTML page
 *   /status/<code>        that status             /redirect?to=   302 to `to`
 *   /hops/<n>             n redirects, then PNG   /big?bytes=     PNG header + n bytes, no length
 *   /declared?bytes=      Content-Length n, then 8 bytes and silence
 *   /drip                 a byte every 50 ms, forever                /hang   headers never come
 */
export class FakeImageHost {
  readonly requests: ImageHostRequest[] = [];
  private readonly sockets = new Set<Socket>();
  private port = 0;

  private constructor(
    private readonly server: Server,
    readonly protocol: 'http' | 'https',
    /** What /image.png serves: a 2x2 PNG unless the test gives a picture its provider can work on. */
    readonly png: Buffer,
  ) {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  static async start({ tls, image }: { tls?: { key: string; cert: string }; image?: Buffer } = {}): Promise<FakeImageHost> {
    // Requests arrive only after listen(), by when `host` exists.
    const listener = (req: IncomingMessage, res: ServerResponse) => host.handle(req, res);
    const server = tls ? createHttpsServer(tls, listener) : createHttpServer(listener);
    const host = new FakeImageHost(server, tls ? 'https' : 'http', image ?? tinyPng([10, 200, 30]));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    host.port = (server.address() as AddressInfo).port;
    return host;
  }

  /** `http://127.0.0.1:<port>`, or the same port under another host name. */
  url(path: string, hostname = '127.0.0.1'): string {
    return `${this.protocol}://${hostname}:${this.port}${path}`;
  }

  requestsTo(path: string): ImageHostRequest[] {
    return this.requests.filter((r) => r.path.startsWith(path));
  }

  async close(): Promise<void> {
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closing;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ path: url.pathname + url.search, host: req.headers.host, servername: (req.socket as TLSSocket).servername || undefined });
    const bytes = Number(url.searchParams.get('bytes') ?? 0);
    const [, first, second] = url.pathname.split('/');
    if (url.pathname === '/image.png') return void res.writeHead(200, { 'content-type': 'image/png', 'content-length': this.png.length }).end(this.png); // the type as careless servers send it
    if (url.pathname === '/page.html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>admin panel</body></html>');
    if (first === 'status') return void res.writeHead(Number(second)).end();
    if (url.pathname === '/redirect') return void res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
    if (first === 'hops') {
      const left = Number(second);
      return void (left > 0 ? res.writeHead(302, { location: `/hops/${left - 1}` }).end() : res.writeHead(200, { 'content-type': 'image/png' }).end(this.png));
    }
    if (url.pathname === '/big') {
      res.writeHead(200, { 'content-type': 'image/png' }); // chunked: no length to judge by
      res.write(this.png.subarray(0, 8));
      const chunk = Buffer.alloc(16 * 1024, 7);
      let sent = 0;
      const more = () => {
        while (sent < bytes && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      return more();
    }
    if (url.pathname === '/declared') return void res.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes }).write(this.png.subarray(0, 8));
    if (url.pathname === '/drip') {
      res.writeHead(200, { 'content-type': 'image/png' });
      const timer = setInterval(() => res.write(Buffer.from([7])), 50);
      res.once('close', () => clearInterval(timer));
      return;
    }
    if (url.pathname === '/hang') return; // never answers; close() cuts the socket
    res.writeHead(404).end();
  }
}

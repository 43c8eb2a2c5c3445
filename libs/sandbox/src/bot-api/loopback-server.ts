import { createServer, IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** The HTTP server under each fake outside service: a free port on 127.0.0.1, closed without waiting on keep-alive sockets. */
export class LoopbackServer {
  private readonly server: Server;
  private port = 0;

  constructor(listener: RequestListener) {
    this.server = createServer(listener);
  }

  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stops listening and cuts the open sockets once `settle` (answers still in flight) is done. */
  async close(settle?: () => Promise<unknown>): Promise<void> {
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (settle) await settle();
    this.server.closeAllConnections();
    await closing;
  }
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `headers` may override the content type. A response already under way is left alone. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

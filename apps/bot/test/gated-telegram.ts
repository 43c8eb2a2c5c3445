import { IncomingMessage, Server, ServerResponse, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Held {
  req: IncomingMessage;
  res: ServerResponse;
  body: Buffer;
}

/**
 * A slow Telegram in front of the fake Bot API: while closed, calls of the gated methods are held
 * unanswered, so the bot's handlers sit mid-update. A held call whose client went away (its
 * process was killed) never reaches the fake, as a request that never left the dead process.
 */
export class GatedTelegram {
  private readonly server: Server = createServer((req, res) => void this.receive(req, res));
  private held: Held[] = [];
  private open = true;

  private constructor(
    private readonly target: string,
    private readonly methods: string[],
  ) {}

  static async start(target: string, methods = ['sendMessage']): Promise<GatedTelegram> {
    const gate = new GatedTelegram(target, methods);
    await new Promise<void>((resolve) => gate.server.listen(0, '127.0.0.1', resolve));
    return gate;
  }

  /** TELEGRAM_API_ROOT for the bot. */
  get apiRoot(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Calls held now whose client is still waiting. */
  get waiting(): number {
    return this.held.filter((call) => !gone(call)).length;
  }

  close(): void {
    this.open = false;
  }

  /** Lets held calls through (those whose client is gone are dropped) and all later ones. */
  release(): void {
    this.open = true;
    for (const call of this.held.splice(0)) if (!gone(call)) this.forward(call);
  }

  async stop(): Promise<void> {
    this.release();
    const closed = new Promise((resolve) => this.server.close(resolve));
    this.server.closeAllConnections();
    await closed;
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const call = { req, res, body: Buffer.concat(chunks) };
    const method = (req.url ?? '').split('/').pop() ?? '';
    if (!this.open && this.methods.some((m) => m.toLowerCase() === method.toLowerCase())) this.held.push(call);
    else this.forward(call);
  }

  private forward({ req, res, body }: Held): void {
    const upstream = httpRequest(`${this.target}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(this.target).host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  }
}

const gone = ({ req, res }: Held) => res.destroyed || req.socket.destroyed;

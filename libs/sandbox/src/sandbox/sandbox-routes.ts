import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChatEvent } from '../bot-api/chat-store';
import type { LocalBotApi } from '../bot-api/local-bot-api';
import { signMiniAppInitData } from './mini-app-launch';
import { MediaSent, SandboxChat, SandboxError, SandboxUser } from './sandbox-chat';
import type { SandboxUsers } from './sandbox-users';

const MEDIA: MediaSent[] = ['photo', 'voice', 'audio', 'video', 'document'];
const LANGUAGES = ['en', 'ru', 'uz'];
/** A comment line now and then keeps proxies and browsers from timing out an idle event stream. */
const HEARTBEAT_MS = 15_000;

export interface SandboxRoutesOptions {
  api: LocalBotApi;
  users: SandboxUsers;
  /** Where the page opens the Mini App: a port on the page's own host (public-api's), or a configured URL. */
  miniApp: { port: number; path: string } | { url: string };
  /** Largest file a sandbox user may send. */
  maxUploadBytes: number;
}

/**
 * The page's API under /sandbox/api, beside the page on the bot app. Reads: the session (bot,
 * users, where the Mini App is), a chat's messages, a stream of its changes (server-sent events).
 * Writes are a Telegram app's actions: send text or a file, press a button, pay an invoice, open
 * the Mini App (signed initData). Errors are `{code, message}` with a 4xx, as everywhere in genbot.
 */
export function registerSandboxRoutes(fastify: FastifyInstance, options: SandboxRoutesOptions): { close(): void } {
  const { api, users } = options;
  const chat = new SandboxChat(api);
  const streams = new Set<FastifyReply>();
  const userOf = (request: FastifyRequest): SandboxUser => {
    const user = users.get(Number((request.params as { userId: string }).userId));
    if (!user) throw new SandboxError('SANDBOX_USER_NOT_FOUND', 'No such sandbox user');
    return user;
  };
  const route = (method: 'GET' | 'POST', url: string, handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> | unknown) =>
    fastify.route({
      method,
      url: `/sandbox/api${url}`,
      handler: async (request, reply) => {
        // Sandbox credits are free, and with provider keys set a generation costs real money: the
        // page answers this machine only (an SSH tunnel counts; a LAN neighbour does not).
        if (!isLoopback(request.socket.remoteAddress))
          return reply.code(403).send({
            code: 'SANDBOX_LOCAL_ONLY',
            message: 'The sandbox answers requests from this machine only (open it on localhost, or through an SSH tunnel)',
          });
        try {
          return await handler(request, reply);
        } catch (error) {
          if (!(error instanceof SandboxError)) throw error;
          return reply.code(/NOT_FOUND$/.test(error.code) ? 404 : 400).send({ code: error.code, message: error.message });
        }
      },
    });

  route('GET', '/session', () => ({
    bot: { id: api.botId, username: api.botUsername },
    users: users.list(),
    miniApp: options.miniApp,
  }));

  route('POST', '/users', (request) => {
    const body = (request.body ?? {}) as { firstName?: unknown; languageCode?: unknown };
    const name = typeof body.firstName === 'string' ? body.firstName.trim() : '';
    if (!name || name.length > 64) throw new SandboxError('VALIDATION_FAILED', 'firstName must be 1-64 characters');
    if (typeof body.languageCode !== 'string' || !LANGUAGES.includes(body.languageCode))
      throw new SandboxError('VALIDATION_FAILED', `languageCode must be one of ${LANGUAGES.join(', ')}`);
    return users.add(name, body.languageCode);
  });

  route('GET', '/chats/:userId', (request) => {
    const user = userOf(request);
    return { messages: api.chats.list(user.id), replyKeyboard: api.chats.replyKeyboard(user.id) ?? null };
  });

  route('GET', '/chats/:userId/events', (request, reply) => {
    const user = userOf(request);
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    reply.raw.write('retry: 1000\n\n');
    const send = (event: ChatEvent) => {
      if (event.chatId === String(user.id)) reply.raw.write(`data: ${JSON.stringify(event)}\n\n`);
    };
    const unsubscribe = api.chats.subscribe(send);
    const heartbeat = setInterval(() => reply.raw.write(': ping\n\n'), HEARTBEAT_MS);
    streams.add(reply);
    reply.raw.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(reply);
    });
  });

  route('POST', '/chats/:userId/messages', (request) => {
    const user = userOf(request);
    const text = (request.body as { text?: unknown } | undefined)?.text;
    if (typeof text !== 'string' || !text.trim() || text.length > 4096) throw new SandboxError('VALIDATION_FAILED', 'text must be 1-4096 characters');
    return chat.sendText(user, text);
  });

  route('POST', '/chats/:userId/files', async (request) => {
    const user = userOf(request);
    if (!request.isMultipart()) throw new SandboxError('VALIDATION_FAILED', 'send the file as multipart/form-data');
    const part = await request.file({ limits: { fileSize: options.maxUploadBytes } });
    if (!part) throw new SandboxError('VALIDATION_FAILED', 'no file in the request');
    const data = await part.toBuffer().catch(() => {
      throw new SandboxError('VALIDATION_FAILED', `the file is larger than ${options.maxUploadBytes} bytes`);
    });
    const field = (name: string) => {
      const value = part.fields[name] as { value?: unknown } | undefined;
      return typeof value?.value === 'string' ? value.value : undefined;
    };
    const kind = field('kind') as MediaSent | undefined;
    if (!kind || !MEDIA.includes(kind)) throw new SandboxError('VALIDATION_FAILED', `kind must be one of ${MEDIA.join(', ')}`);
    const ext = /\.(\w{1,5})$/.exec(part.filename)?.[1]?.toLowerCase() ?? 'bin';
    const duration = Number(field('duration'));
    return chat.sendFile(
      user,
      kind,
      { data, ext, name: part.filename, mimeType: part.mimetype, ...(Number.isFinite(duration) ? { duration } : {}) },
      field('caption'),
    );
  });

  route('POST', '/chats/:userId/callbacks', async (request) => {
    const user = userOf(request);
    const body = (request.body ?? {}) as { messageId?: unknown; data?: unknown };
    if (!Number.isInteger(body.messageId) || typeof body.data !== 'string') throw new SandboxError('VALIDATION_FAILED', 'messageId and data are required');
    return { answer: (await chat.pressButton(user, body.messageId as number, body.data)) ?? null };
  });

  route('POST', '/chats/:userId/payments', async (request) => {
    const user = userOf(request);
    const body = (request.body ?? {}) as { messageId?: unknown; slug?: unknown; decline?: unknown };
    const invoice = Number.isInteger(body.messageId)
      ? { messageId: body.messageId as number }
      : typeof body.slug === 'string'
        ? { slug: body.slug }
        : undefined;
    if (!invoice) throw new SandboxError('VALIDATION_FAILED', 'messageId or slug is required');
    return chat.pay(user, invoice, { decline: body.decline === true });
  });

  route('GET', '/invoices/:slug', (request) => {
    const order = api.invoice({ slug: (request.params as { slug: string }).slug });
    if (!order) throw new SandboxError('SANDBOX_INVOICE_NOT_FOUND', 'No such invoice link');
    return { title: order.title, description: order.description, currency: order.currency, total_amount: order.totalAmount };
  });

  route('GET', '/chats/:userId/mini-app', (request) => ({ initData: signMiniAppInitData(api.token, userOf(request)) }));

  route('GET', '/files/:fileId', (request, reply) => {
    const file = api.chats.file((request.params as { fileId: string }).fileId.replace(/_s$/, ''));
    if (!file) throw new SandboxError('SANDBOX_FILE_NOT_FOUND', 'No such file (files are kept in memory until genbot restarts)');
    if (!file.data) return reply.redirect(file.url ?? '/', 302);
    return reply
      .header('content-type', file.contentType ?? 'application/octet-stream')
      .header('cache-control', 'private, max-age=3600')
      .send(file.data);
  });

  return {
    close: () => {
      for (const stream of streams) stream.raw.end();
    },
  };
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && /^(127\.|::1$|::ffff:127\.)/.test(address);
}

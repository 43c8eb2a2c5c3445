import { randomBytes } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import {
  BotApiResponse,
  ChatMemberStatus,
  Json,
  KNOWN_METHODS,
  MEDIA_KINDS,
  MediaKind,
  ReceivedFile,
  RecordedCall,
  TelegramFailure,
  commandsKey,
  fail,
  failureResponse,
  invalidInvoice,
  invoiceOf,
  isSendOrEdit,
  isTrue,
  ok,
  readRequest,
  respond,
  sameMethod,
  toNumber,
  validateContent,
} from './bot-api-protocol';
import { ChatStore } from './chat-store';
import { LoopbackServer } from './loopback-server';

export interface LocalBotApiOptions {
  token?: string;
  botUsername?: string;
  /** The bot's display name (getMe's first_name). */
  botName?: string;
  /** Caps getUpdates long polling, so that a poller's `timeout: 50` never stalls a test. */
  maxLongPollMs?: number;
  /** Recorded calls kept (oldest dropped first); unbounded by default, as tests read them all. */
  maxRecordedCalls?: number;
  /** Bytes of files kept for getFile and downloads (oldest dropped first). */
  maxStoredBytes?: number;
  /** Listen on this port (default: a free one). */
  port?: number;
  /** The first update_id handed out (a restarted stand-in must not reuse ids a bot has seen). */
  firstUpdateId?: number;
}

/** How long a webhook may take to answer, and the pause before a failed delivery is retried. */
const WEBHOOK_TIMEOUT_MS = 10_000;
const WEBHOOK_RETRY_MS = 1_000;

/** An invoice's order: what pre_checkout_query and successful_payment carry. */
export interface InvoiceOrder {
  payload: string;
  currency: string;
  totalAmount: number;
  title?: string;
  description?: string;
}

function orderOf(params: Json): InvoiceOrder {
  const invoice = invoiceOf(params);
  return { payload: String(params.payload), currency: String(invoice.currency), totalAmount: Number(invoice.total_amount) };
}

/**
 * A Telegram Bot API server on loopback that speaks the real wire protocol, so that the
 * production client (telegraf, pointed at `apiRoot`) is what runs against it. It is the tests'
 * fake Bot API (recorded calls, Telegram's failures on demand: 403 blocked, 429 retry_after) and
 * the sandbox's Telegram (`npm start` with no BOT_TOKEN): it keeps chats, messages and files, and
 * plays the user's side through `sendAsUser`, `pushUpdate` and the chat events.
 */
export class LocalBotApi {
  readonly token: string;
  readonly botId: number;
  readonly botUsername: string;

  private readonly http = new LoopbackServer((req, res) => {
    const handling = this.handle(req, res).catch(() => respond(res, fail(500, 'Internal Server Error')));
    this.inFlight.add(handling);
    void handling.finally(() => this.inFlight.delete(handling));
  });
  private readonly maxLongPollMs: number;
  private closed = false;
  private readonly inFlight = new Set<Promise<void>>();

  private recorded: RecordedCall[] = [];
  private readonly listeners = new Set<(call: RecordedCall) => void>();
  private failures: Array<{ method: string; failure: TelegramFailure; remaining: number; chatId?: string }> = [];
  private readonly blockedChats = new Set<string>();
  private readonly missingChats = new Set<string>();
  private readonly delivered = new Map<string, number>();
  private latencyMs = 0;
  private readonly members = new Map<string, Json>();

  private updates: Json[] = [];
  private nextUpdateId = 1;
  private readonly updateWaiters = new Set<() => void>();

  private webhookState?: { url: string; secretToken?: string };
  private delivering = false;
  private readonly commands = new Map<string, unknown>();
  private readonly invoices = new Map<string, InvoiceOrder>();
  private readonly menuButtons = new Map<string, unknown>();
  private readonly maxRecordedCalls: number;
  private readonly botName: string;
  /** Chats, messages and files: what the users' Telegram apps show. */
  readonly chats: ChatStore;

  protected constructor(opts: LocalBotApiOptions) {
    this.token = opts.token ?? '123456789:AAF-fake-token-for-tests_000000000000';
    const match = /^(\d+):[\w-]+$/.exec(this.token);
    if (!match) throw new Error(`LocalBotApi: "${this.token}" is not a bot token (<id>:<secret>)`);
    this.botId = Number(match[1]);
    this.botUsername = opts.botUsername ?? 'genbot_test_bot';
    this.botName = opts.botName ?? 'Genbot Test';
    this.maxLongPollMs = opts.maxLongPollMs ?? 1000;
    this.maxRecordedCalls = opts.maxRecordedCalls ?? Infinity;
    this.nextUpdateId = opts.firstUpdateId ?? 1;
    this.chats = new ChatStore(() => this.me(), opts.maxStoredBytes ?? 256 * 1024 * 1024);
  }

  static async start(opts: LocalBotApiOptions = {}): Promise<LocalBotApi> {
    const api = new LocalBotApi(opts);
    await api.http.listen(opts.port);
    return api;
  }

  /** What telegraf's `telegram.apiRoot` and `TELEGRAM_API_ROOT` take. */
  get apiRoot(): string {
    return this.http.baseUrl;
  }

  /** The webhook the bot registered with setWebhook, if any. */
  get webhook(): { url: string; secretToken?: string } | undefined {
    return this.webhookState;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of [...this.updateWaiters]) wake();
    // Let woken long polls answer before cutting keep-alive sockets, or clients see resets.
    await this.http.close(() => Promise.allSettled([...this.inFlight]));
  }

  // ---- recording --------------------------------------------------------------------------

  calls(method?: string): RecordedCall[] {
    return method ? this.recorded.filter((call) => sameMethod(call.method, method)) : [...this.recorded];
  }

  lastCall(method: string): RecordedCall | undefined {
    return this.calls(method).at(-1);
  }

  /**
   * Forgets recorded calls, injected failures, blocked chats, chat member overrides and queued
   * updates. The webhook, commands and message ids stay, as they would at Telegram: a bot sets
   * them once at boot, not per test.
   */
  reset(): void {
    this.recorded = [];
    this.failures = [];
    this.blockedChats.clear();
    this.missingChats.clear();
    this.delivered.clear();
    this.latencyMs = 0;
    this.members.clear();
    this.updates = [];
  }

  waitForCall(method: string, predicate: (call: RecordedCall) => boolean = () => true, timeoutMs = 5000): Promise<RecordedCall> {
    const matches = (call: RecordedCall) => sameMethod(call.method, method) && predicate(call);
    const found = this.recorded.find(matches);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const listener = (call: RecordedCall) => {
        if (!matches(call)) return;
        cleanup();
        resolve(call);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`LocalBotApi: no matching ${method} call within ${timeoutMs} ms; calls seen: ${this.summary()}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  /** The send and edit calls that reached the chat, in order: what its user saw. Failed ones are left out. */
  sentTo(chatId: number | string): RecordedCall[] {
    return this.recorded.filter(
      (call) => call.response.ok && isSendOrEdit(call.method) && call.method !== 'sendChatAction' && String(call.params.chat_id) === String(chatId),
    );
  }

  /** The texts of the messages sent (not edited) to the chat, oldest first. */
  sentTexts(chatId: number | string): string[] {
    return this.sentTo(chatId)
      .filter((call) => call.method === 'sendMessage')
      .map((call) => String(call.params.text));
  }

  /** The text of the last message sent (not edited) to the chat, if any. */
  lastSentText(chatId: number | string): string | undefined {
    return this.sentTexts(chatId).at(-1);
  }

  // ---- behaviour --------------------------------------------------------------------------

  /** The next `times` calls of `method` (default 1; `Infinity` for all), or only those to `chatId`, answer with `failure`. */
  failNext(method: string, failure: TelegramFailure, { times = 1, chatId }: { times?: number; chatId?: number | string } = {}): void {
    this.failures.push({ method, failure, remaining: times, ...(chatId !== undefined ? { chatId: String(chatId) } : {}) });
  }

  /** Every send and edit to the chat answers 403, as after the user blocked the bot. */
  blockChat(chatId: number | string): void {
    this.blockedChats.add(String(chatId));
  }

  /** Every send to the chat answers 400 "chat not found", as for a deleted account. */
  loseChat(chatId: number | string): void {
    this.missingChats.add(String(chatId));
  }

  /** Each answer waits this long first, as Telegram's own round trip does. */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /**
   * Messages delivered to the chat (successful sends, not edits): kept as a counter apart from the
   * recorded calls, so a broadcast to thousands can be checked for duplicates cheaply.
   */
  deliveredTo(chatId: number | string): number {
    return this.delivered.get(String(chatId)) ?? 0;
  }

  /** Every chat with at least one delivered message, and how many. */
  deliveredCounts(): Map<string, number> {
    return new Map(this.delivered);
  }

  unblockChat(chatId: number | string): void {
    this.blockedChats.delete(String(chatId));
  }

  /** What getChatMember answers for this chat and user (default: a plain member). */
  setChatMember(chatId: number | string, userId: number, member: { status: ChatMemberStatus } & Json): void {
    this.members.set(`${chatId}:${userId}`, member);
  }

  /** Queues an update for getUpdates; assigns the next update_id when none is given and returns it. */
  pushUpdate(update: Json & { update_id?: number }): number {
    const updateId = update.update_id ?? this.nextUpdateId;
    this.nextUpdateId = Math.max(this.nextUpdateId, updateId + 1);
    this.updates.push({ ...update, update_id: updateId });
    for (const wake of [...this.updateWaiters]) wake();
    void this.deliverToWebhook();
    return updateId;
  }

  /**
   * With a webhook set, updates are POSTed to it one at a time and in order, with the secret
   * token header, as Telegram does; an update leaves the queue once the bot answered 2xx, and a
   * failure is retried a second later (pending_update_count shows how many wait).
   */
  private async deliverToWebhook(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    try {
      while (this.webhookState && this.updates.length > 0 && !this.closed) {
        const { url, secretToken } = this.webhookState;
        const [update] = this.updates;
        const reply = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(secretToken ? { 'x-telegram-bot-api-secret-token': secretToken } : {}) },
          body: JSON.stringify(update),
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        }).then(
          async (response) => (response.ok ? await response.text() : undefined),
          () => undefined,
        );
        if (reply === undefined) {
          await new Promise((resolve) => setTimeout(resolve, WEBHOOK_RETRY_MS).unref());
          continue;
        }
        this.updates = this.updates.filter((queued) => queued !== update);
        await this.webhookReply(reply);
      }
    } finally {
      this.delivering = false;
    }
  }

  /**
   * A file a user sent, as Telegram keeps it: `getFile` answers its path and size, and
   * `/file/bot<token>/<path>` serves its bytes. Returns what a message's `photo` / `document` carries.
   */
  addFile(data: Buffer, ext = 'jpg'): { file_id: string; file_unique_id: string; file_size: number } {
    return this.chats.addFile(data, ext);
  }

  /**
   * What an invoice asks to be paid: the one sent to `chatId` as message `messageId`, or the one
   * behind an invoice link's slug (`https://t.me/$<slug>`). Telegram keeps the payload from the
   * user; the user's app never sees it, the stand-in plays that app and needs it.
   */
  invoice(where: { chatId: number | string; messageId: number } | { slug: string }): InvoiceOrder | undefined {
    return this.invoices.get('slug' in where ? `link:${where.slug}` : `${String(where.chatId)}:${where.messageId}`);
  }

  /** Calls `listener` with every call the bot makes, once answered; returns the unsubscribe. */
  onCall(listener: (call: RecordedCall) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- HTTP -------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = new Date();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const download = /^\/file\/bot([^/]*)\/(.+)$/.exec(url.pathname);
    if (download) {
      req.resume();
      const stored = this.chats.fileByPath(download[2]);
      if (download[1] !== this.token || !stored) return respond(res, fail(404, 'Not Found'));
      // A file the bot sent by URL: Telegram would have fetched it; here the client fetches it from there.
      if (!stored.data) return void res.writeHead(302, { location: stored.url ?? '/' }).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': stored.data.length });
      return void res.end(stored.data);
    }
    const route = /^\/bot([^/]*)\/([^/]*)$/.exec(url.pathname);
    if (!route || route[1] !== this.token) {
      req.resume();
      return respond(res, route ? fail(401, 'Unauthorized') : fail(404, 'Not Found'));
    }
    const method = KNOWN_METHODS.get(route[2].toLowerCase());
    let request: { params: Json; files: ReceivedFile[] };
    try {
      request = await readRequest(req, url);
    } catch (error) {
      return respond(res, fail(400, `Bad Request: ${(error as Error).message}`));
    }
    // telegraf repeats the method name inside multipart bodies; it is routing, not a parameter.
    if (typeof request.params.method === 'string' && sameMethod(request.params.method, route[2])) {
      delete request.params.method;
    }
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const response = method ? await this.answer(method, request.params, request.files) : fail(404, 'Not Found');
    if (response.ok && /^send/i.test(method ?? '') && method !== 'sendChatAction' && request.params.chat_id !== undefined) {
      const chat = String(request.params.chat_id);
      this.delivered.set(chat, (this.delivered.get(chat) ?? 0) + 1);
    }
    const files = request.files.map(({ data: _bytes, ...file }) => file);
    this.record({ method: method ?? route[2], params: request.params, files, at, response });
    respond(res, response);
  }

  /** A bot may answer an update with one method call in the webhook's response body; Telegram performs it, unanswered. */
  private async webhookReply(body: string): Promise<void> {
    let call: unknown;
    try {
      call = JSON.parse(body);
    } catch {
      return;
    }
    if (typeof call !== 'object' || call === null || typeof (call as Json).method !== 'string') return;
    const { method: name, ...params } = call as Json;
    const method = KNOWN_METHODS.get(String(name).toLowerCase());
    if (!method) return;
    this.record({ method, params, files: [], at: new Date(), response: await this.answer(method, params, []) });
  }

  private record(call: RecordedCall): void {
    this.recorded.push(call);
    if (this.recorded.length > this.maxRecordedCalls) this.recorded.splice(0, this.recorded.length - this.maxRecordedCalls);
    for (const listener of [...this.listeners]) listener(call);
  }

  private summary(): string {
    if (this.recorded.length === 0) return 'none';
    const counts = new Map<string, number>();
    for (const call of this.recorded) counts.set(call.method, (counts.get(call.method) ?? 0) + 1);
    return [...counts].map(([method, count]) => `${method} ×${count}`).join(', ');
  }

  private async answer(method: string, params: Json, files: ReceivedFile[]): Promise<BotApiResponse> {
    const injected = this.failures.find(
      (entry) => sameMethod(entry.method, method) && entry.remaining > 0 && (entry.chatId === undefined || entry.chatId === String(params.chat_id)),
    );
    if (injected) {
      injected.remaining -= 1;
      this.failures = this.failures.filter((entry) => entry.remaining > 0);
      return failureResponse(injected.failure);
    }
    if (isSendOrEdit(method) && params.chat_id !== undefined && this.blockedChats.has(String(params.chat_id))) {
      return failureResponse({ kind: 'blocked' });
    }
    if (isSendOrEdit(method) && params.chat_id !== undefined && this.missingChats.has(String(params.chat_id))) {
      return fail(400, 'Bad Request: chat not found');
    }
    if (isSendOrEdit(method) && params.chat_id === undefined && params.inline_message_id === undefined) {
      return fail(400, 'Bad Request: chat_id is empty');
    }
    const invalid = isSendOrEdit(method) ? validateContent(method, params) : undefined;
    if (invalid) return invalid;

    switch (method) {
      case 'getMe':
        return ok(this.me());
      case 'getUpdates':
        return this.getUpdates(params);
      case 'setWebhook':
        return this.setWebhook(params);
      case 'deleteWebhook': {
        const had = this.webhookState !== undefined;
        this.webhookState = undefined;
        if (isTrue(params.drop_pending_updates)) this.updates = [];
        return ok(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
      }
      case 'getWebhookInfo':
        return ok({ url: this.webhookState?.url ?? '', has_custom_certificate: false, pending_update_count: this.updates.length });
      case 'sendMessage':
        return ok(this.chats.botMessage(params, { text: params.text }));
      case 'sendPhoto':
      case 'sendVideo':
      case 'sendAudio':
      case 'sendDocument':
      case 'sendAnimation':
      case 'sendVoice': {
        const kind = method.slice('send'.length).toLowerCase() as MediaKind;
        return ok(this.chats.botMessage(params, this.chats.media(kind, params[kind], files, params)));
      }
      case 'sendMediaGroup':
        return this.sendMediaGroup(params, files);
      case 'sendInvoice': {
        const invalid = invalidInvoice(params);
        if (invalid) return invalid;
        const message = this.chats.botMessage(params, { invoice: invoiceOf(params) });
        this.invoices.set(`${String(params.chat_id)}:${String(message.message_id)}`, orderOf(params));
        return ok(message);
      }
      case 'answerPreCheckoutQuery':
        // Telegram wants the reason it shows the buyer whenever the answer is no.
        if (!isTrue(params.ok) && !params.error_message) return fail(400, 'Bad Request: ERROR_MESSAGE_EMPTY');
        return ok(true);
      case 'createInvoiceLink': {
        const invalid = invalidInvoice(params);
        if (invalid) return invalid;
        const slug = randomBytes(18).toString('base64url');
        this.invoices.set(`link:${slug}`, { ...orderOf(params), title: String(params.title), description: String(params.description) });
        return ok(`https://t.me/$${slug}`);
      }
      case 'editMessageText':
        return this.edit(params, { text: params.text });
      case 'editMessageCaption':
        return this.edit(params, { caption: params.caption });
      case 'editMessageReplyMarkup':
        return this.edit(params, {});
      case 'deleteMessage':
        this.chats.delete(String(params.chat_id), Number(params.message_id));
        return ok(true);
      case 'setMyCommands':
        this.commands.set(commandsKey(params), params.commands ?? []);
        return ok(true);
      case 'deleteMyCommands':
        this.commands.delete(commandsKey(params));
        return ok(true);
      case 'getMyCommands':
        return ok(this.commands.get(commandsKey(params)) ?? []);
      case 'setChatMenuButton':
        this.menuButtons.set(String(params.chat_id ?? ''), params.menu_button ?? { type: 'default' });
        return ok(true);
      case 'getChatMenuButton':
        return ok(this.menuButtons.get(String(params.chat_id ?? '')) ?? this.menuButtons.get('') ?? { type: 'default' });
      case 'getChatMember':
        return ok(this.chatMember(params));
      case 'getFile': {
        const stored = this.chats.file(String(params.file_id).replace(/_s$/, ''));
        if (!stored) return fail(400, 'Bad Request: invalid file_id');
        const size = stored.data ? { file_size: stored.data.length } : {};
        return ok({ file_id: params.file_id, file_unique_id: `u${String(params.file_id)}`, ...size, file_path: stored.path });
      }
      default:
        return ok(true);
    }
  }

  private me(): Json {
    return {
      id: this.botId,
      is_bot: true,
      first_name: this.botName,
      username: this.botUsername,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    };
  }

  private async getUpdates(params: Json): Promise<BotApiResponse> {
    if (this.webhookState) {
      return fail(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    // An offset confirms every update before it; a negative one keeps only the last -offset.
    const offset = toNumber(params.offset) ?? 0;
    if (offset > 0) this.updates = this.updates.filter((update) => Number(update.update_id) >= offset);
    if (offset < 0) this.updates = this.updates.slice(offset);
    const waitMs = Math.min((toNumber(params.timeout) ?? 0) * 1000, this.maxLongPollMs);
    if (this.updates.length === 0 && waitMs > 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.updateWaiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, waitMs);
        this.updateWaiters.add(wake);
      });
    }
    const limit = Math.min(Math.max(toNumber(params.limit) ?? 100, 1), 100);
    return ok(this.updates.slice(0, limit));
  }

  private setWebhook(params: Json): BotApiResponse {
    const url = typeof params.url === 'string' ? params.url : '';
    if (url === '') {
      this.webhookState = undefined;
      return ok(true, 'Webhook was deleted');
    }
    const secretToken = typeof params.secret_token === 'string' ? params.secret_token : undefined;
    if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
      return fail(400, 'Bad Request: secret token contains unallowed characters');
    }
    const alreadySet = this.webhookState?.url === url;
    this.webhookState = { url, secretToken };
    if (isTrue(params.drop_pending_updates)) this.updates = [];
    void this.deliverToWebhook();
    return ok(true, alreadySet ? 'Webhook is already set' : 'Webhook was set');
  }

  private sendMediaGroup(params: Json, files: ReceivedFile[]): BotApiResponse {
    const items = Array.isArray(params.media) ? (params.media as Json[]) : [];
    if (items.length < 2 || items.length > 10) return fail(400, 'Bad Request: wrong number of media in the group');
    const mediaGroupId = String(BigInt(`0x${randomBytes(7).toString('hex')}`));
    const { reply_markup: _ignored, ...rest } = params;
    return ok(
      items.map((item) => {
        const kind = String(item.type) as MediaKind;
        if (!MEDIA_KINDS.includes(kind)) return this.chats.botMessage(rest, { media_group_id: mediaGroupId });
        return this.chats.botMessage(rest, { media_group_id: mediaGroupId, ...this.chats.media(kind, item.media, files, item) });
      }),
    );
  }

  private edit(params: Json, change: Json): BotApiResponse {
    // Inline messages are not the bot's to read back, so Telegram answers just `true`.
    if (params.chat_id === undefined) return ok(true);
    return ok(this.chats.edit(params, change));
  }

  private chatMember(params: Json): Json {
    const userId = Number(params.user_id);
    const { status, ...rest } = this.members.get(`${params.chat_id}:${userId}`) ?? { status: 'member' };
    return { status, user: { id: userId, is_bot: false, first_name: 'Test' }, ...rest };
  }
}

import { createHash, randomBytes } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer, readBody, sendJson } from '../loopback-server';

type Json = Record<string, unknown>;

export type TelegramFailure =
  { kind: 'blocked' } | { kind: 'retry_after'; seconds: number } | { kind: 'error'; code: number; description: string; parameters?: Json };

export type BotApiResponse = { ok: true; result: unknown; description?: string } | { ok: false; error_code: number; description: string; parameters?: Json };

/** A file part of a multipart request; its bytes are counted, not kept. */
export interface UploadedFile {
  field: string;
  filename: string;
  contentType?: string;
  size: number;
}

export interface RecordedCall {
  /** Canonical spelling (`sendMessage`) whatever case the client used. */
  method: string;
  params: Json;
  files: UploadedFile[];
  at: Date;
  response: BotApiResponse;
}

export interface FakeTelegramApiOptions {
  token?: string;
  botUsername?: string;
  /** Caps getUpdates long polling, so that a poller's `timeout: 50` never stalls a test. */
  maxLongPollMs?: number;
}

export type ChatMemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';

// Every Bot API method up to 9.3: any other name answers 404, as Telegram does, so a typo fails here too.
const KNOWN_METHODS = new Map(
  `getUpdates setWebhook deleteWebhook getWebhookInfo getMe logOut close sendMessage forwardMessage
  forwardMessages copyMessage copyMessages sendPhoto sendAudio sendDocument sendVideo sendAnimation
  sendVoice sendVideoNote sendPaidMedia sendMediaGroup sendLocation sendVenue sendContact sendPoll
  sendChecklist sendDice sendMessageDraft sendChatAction setMessageReaction getUserProfilePhotos
  setUserEmojiStatus getFile banChatMember unbanChatMember restrictChatMember promoteChatMember
  setChatAdministratorCustomTitle banChatSenderChat unbanChatSenderChat setChatPermissions
  exportChatInviteLink createChatInviteLink editChatInviteLink createChatSubscriptionInviteLink
  editChatSubscriptionInviteLink revokeChatInviteLink approveChatJoinRequest declineChatJoinRequest
  setChatPhoto deleteChatPhoto setChatTitle setChatDescription pinChatMessage unpinChatMessage
  unpinAllChatMessages leaveChat getChat getChatAdministrators getChatMemberCount getChatMember
  setChatStickerSet deleteChatStickerSet getForumTopicIconStickers createForumTopic editForumTopic
  closeForumTopic reopenForumTopic deleteForumTopic unpinAllForumTopicMessages editGeneralForumTopic
  closeGeneralForumTopic reopenGeneralForumTopic hideGeneralForumTopic unhideGeneralForumTopic
  unpinAllGeneralForumTopicMessages answerCallbackQuery getUserChatBoosts getBusinessConnection
  setMyCommands deleteMyCommands getMyCommands setMyName getMyName setMyDescription getMyDescription
  setMyShortDescription getMyShortDescription setChatMenuButton getChatMenuButton
  setMyDefaultAdministratorRights getMyDefaultAdministratorRights getAvailableGifts sendGift
  giftPremiumSubscription verifyUser verifyChat removeUserVerification removeChatVerification
  readBusinessMessage deleteBusinessMessages setBusinessAccountName setBusinessAccountUsername
  setBusinessAccountBio setBusinessAccountProfilePhoto removeBusinessAccountProfilePhoto
  setBusinessAccountGiftSettings getBusinessAccountStarBalance transferBusinessAccountStars
  getBusinessAccountGifts getUserGifts getChatGifts convertGiftToStars upgradeGift transferGift
  postStory repostStory editStory deleteStory editMessageText editMessageCaption editMessageMedia
  editMessageLiveLocation stopMessageLiveLocation editMessageChecklist editMessageReplyMarkup stopPoll
  approveSuggestedPost declineSuggestedPost deleteMessage deleteMessages sendSticker getStickerSet
  getCustomEmojiStickers uploadStickerFile createNewStickerSet addStickerToSet setStickerPositionInSet
  deleteStickerFromSet replaceStickerInSet setStickerEmojiList setStickerKeywords setStickerMaskPosition
  setStickerSetTitle setStickerSetThumbnail setCustomEmojiStickerSetThumbnail deleteStickerSet
  answerInlineQuery answerWebAppQuery savePreparedInlineMessage sendInvoice createInvoiceLink
  answerShippingQuery answerPreCheckoutQuery getMyStarBalance getStarTransactions refundStarPayment
  editUserStarSubscription setPassportDataErrors sendGame setGameScore getGameHighScores`
    .split(/\s+/)
    .map((name) => [name.toLowerCase(), name] as const),
);

// Fields the Bot API takes as JSON-serialized strings in form bodies; recorded as the objects they mean.
const JSON_FIELDS = [
  'reply_markup',
  'media',
  'entities',
  'caption_entities',
  'prices',
  'commands',
  'scope',
  'menu_button',
  'allowed_updates',
  'link_preview_options',
  'reply_parameters',
  'results',
];

const MEDIA_KINDS = ['photo', 'video', 'audio', 'document', 'animation', 'voice'] as const;
type MediaKind = (typeof MEDIA_KINDS)[number];

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

const ok = (result: unknown, description?: string): BotApiResponse => (description ? { ok: true, result, description } : { ok: true, result });
const fail = (code: number, description: string, parameters?: Json): BotApiResponse =>
  parameters ? { ok: false, error_code: code, description, parameters } : { ok: false, error_code: code, description };

/**
 * A Telegram Bot API server on loopback that speaks the real wire protocol, so the production
 * client (telegraf, pointed at `apiRoot`) is what tests exercise. It records every call, answers
 * with realistic objects and can be told to fail the way Telegram does (403 blocked, 429 retry_after).
 */
export class FakeTelegramApi {
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
  private readonly commands = new Map<string, unknown>();
  private readonly menuButtons = new Map<string, unknown>();
  private readonly messages = new Map<string, Map<number, Json>>();
  private readonly lastMessageId = new Map<string, number>();
  private fileCounter = 0;
  private readonly storedFiles = new Map<string, { path: string; data: Buffer }>();

  private constructor(opts: FakeTelegramApiOptions) {
    this.token = opts.token ?? '123456789:AAF-fake-token-for-tests_000000000000';
    const match = /^(\d+):[\w-]+$/.exec(this.token);
    if (!match) throw new Error(`FakeTelegramApi: "${this.token}" is not a bot token (<id>:<secret>)`);
    this.botId = Number(match[1]);
    this.botUsername = opts.botUsername ?? 'genbot_test_bot';
    this.maxLongPollMs = opts.maxLongPollMs ?? 1000;
  }

  static async start(opts: FakeTelegramApiOptions = {}): Promise<FakeTelegramApi> {
    const api = new FakeTelegramApi(opts);
    await api.http.listen();
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
        reject(new Error(`FakeTelegramApi: no matching ${method} call within ${timeoutMs} ms; calls seen: ${this.summary()}`));
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
    return updateId;
  }

  /**
   * A file a user sent, as Telegram keeps it: `getFile` answers its path and size, and
   * `/file/bot<token>/<path>` serves its bytes. Returns what a message's `photo` / `document` carries.
   */
  addFile(data: Buffer, ext = 'jpg'): { file_id: string; file_unique_id: string; file_size: number } {
    const n = ++this.fileCounter;
    const fileId = `upload_${n}_${randomBytes(6).toString('hex')}`;
    this.storedFiles.set(fileId, { path: `photos/file_${n}.${ext}`, data });
    return { file_id: fileId, file_unique_id: `u${fileId}`, file_size: data.length };
  }

  // ---- HTTP -------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = new Date();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const download = /^\/file\/bot([^/]*)\/(.+)$/.exec(url.pathname);
    if (download) {
      req.resume();
      const stored = [...this.storedFiles.values()].find((file) => file.path === download[2]);
      if (download[1] !== this.token || !stored) return respond(res, fail(404, 'Not Found'));
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': stored.data.length });
      return void res.end(stored.data);
    }
    const route = /^\/bot([^/]*)\/([^/]*)$/.exec(url.pathname);
    if (!route || route[1] !== this.token) {
      req.resume();
      return respond(res, route ? fail(401, 'Unauthorized') : fail(404, 'Not Found'));
    }
    const method = KNOWN_METHODS.get(route[2].toLowerCase());
    let request: { params: Json; files: UploadedFile[] };
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
    this.record({ method: method ?? route[2], ...request, at, response });
    respond(res, response);
  }

  private record(call: RecordedCall): void {
    this.recorded.push(call);
    for (const listener of [...this.listeners]) listener(call);
  }

  private summary(): string {
    if (this.recorded.length === 0) return 'none';
    const counts = new Map<string, number>();
    for (const call of this.recorded) counts.set(call.method, (counts.get(call.method) ?? 0) + 1);
    return [...counts].map(([method, count]) => `${method} ×${count}`).join(', ');
  }

  private async answer(method: string, params: Json, files: UploadedFile[]): Promise<BotApiResponse> {
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
        return ok(this.storeMessage(params, { text: params.text }));
      case 'sendPhoto':
      case 'sendVideo':
      case 'sendAudio':
      case 'sendDocument':
      case 'sendAnimation':
      case 'sendVoice': {
        const kind = method.slice('send'.length).toLowerCase() as MediaKind;
        return ok(this.storeMessage(params, this.media(kind, params[kind], files, params)));
      }
      case 'sendMediaGroup':
        return this.sendMediaGroup(params, files);
      case 'sendInvoice':
        return invalidInvoice(params) ?? ok(this.storeMessage(params, { invoice: invoiceOf(params) }));
      case 'answerPreCheckoutQuery':
        // Telegram wants the reason it shows the buyer whenever the answer is no.
        if (!isTrue(params.ok) && !params.error_message) return fail(400, 'Bad Request: ERROR_MESSAGE_EMPTY');
        return ok(true);
      case 'createInvoiceLink':
        return ok(`https://t.me/$${randomBytes(18).toString('base64url')}`);
      case 'editMessageText':
        return this.edit(params, { text: params.text });
      case 'editMessageCaption':
        return this.edit(params, { caption: params.caption });
      case 'editMessageReplyMarkup':
        return this.edit(params, {});
      case 'deleteMessage':
        this.messages.get(String(params.chat_id))?.delete(Number(params.message_id));
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
        const stored = this.storedFiles.get(String(params.file_id));
        if (!stored) return fail(400, 'Bad Request: invalid file_id');
        return ok({ file_id: params.file_id, file_unique_id: `u${String(params.file_id)}`, file_size: stored.data.length, file_path: stored.path });
      }
      default:
        return ok(true);
    }
  }

  private me(): Json {
    return {
      id: this.botId,
      is_bot: true,
      first_name: 'Genbot Test',
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
    return ok(true, alreadySet ? 'Webhook is already set' : 'Webhook was set');
  }

  private sendMediaGroup(params: Json, files: UploadedFile[]): BotApiResponse {
    const items = Array.isArray(params.media) ? (params.media as Json[]) : [];
    if (items.length < 2 || items.length > 10) return fail(400, 'Bad Request: wrong number of media in the group');
    const mediaGroupId = String(BigInt(`0x${randomBytes(7).toString('hex')}`));
    const { reply_markup: _ignored, ...rest } = params;
    return ok(
      items.map((item) => {
        const kind = String(item.type) as MediaKind;
        if (!MEDIA_KINDS.includes(kind)) return this.storeMessage(rest, { media_group_id: mediaGroupId });
        return this.storeMessage(rest, { media_group_id: mediaGroupId, ...this.media(kind, item.media, files, item) });
      }),
    );
  }

  private edit(params: Json, change: Json): BotApiResponse {
    // Inline messages are not the bot's to read back, so Telegram answers just `true`.
    if (params.chat_id === undefined) return ok(true);
    const messageId = Number(params.message_id);
    const chatKey = String(params.chat_id);
    const stored = this.messages.get(chatKey)?.get(messageId) ?? this.baseMessage(params.chat_id, messageId);
    // Telegram drops the inline keyboard from an edited message unless the edit carries one again.
    const { reply_markup: _old, ...kept } = stored;
    const edited: Json = { ...kept, ...definedOnly(change), edit_date: unixNow(), ...inlineMarkup(params.reply_markup) };
    this.chatMessages(chatKey).set(messageId, edited);
    return ok(edited);
  }

  private storeMessage(params: Json, content: Json): Json {
    const chatKey = String(params.chat_id);
    const messageId = (this.lastMessageId.get(chatKey) ?? 0) + 1;
    this.lastMessageId.set(chatKey, messageId);
    const message: Json = {
      ...this.baseMessage(params.chat_id, messageId),
      ...definedOnly(content),
      ...inlineMarkup(params.reply_markup),
    };
    this.chatMessages(chatKey).set(messageId, message);
    return message;
  }

  private baseMessage(chatId: unknown, messageId: number): Json {
    const { id, is_bot, first_name, username } = this.me();
    return { message_id: messageId, from: { id, is_bot, first_name, username }, chat: chatOf(chatId), date: unixNow() };
  }

  private chatMessages(chatKey: string): Map<number, Json> {
    let messages = this.messages.get(chatKey);
    if (!messages) this.messages.set(chatKey, (messages = new Map()));
    return messages;
  }

  private media(kind: MediaKind, value: unknown, files: UploadedFile[], params: Json): Json {
    const upload =
      typeof value === 'string' && value.startsWith('attach://')
        ? files.find((file) => file.field === value.slice('attach://'.length))
        : value === undefined
          ? files.find((file) => file.field === kind)
          : undefined;
    const n = ++this.fileCounter;
    // A file_id sent again comes back unchanged, as at Telegram; uploads and URLs get a new one.
    const reused = typeof value === 'string' && !/^(https?|attach):\/\//.test(value) ? value : undefined;
    const file: Json = {
      file_id: reused ?? `AgACAgIAAxkBAAIfake${n}`,
      file_unique_id: reused ? `AQAD${hashOf(reused)}` : `AQADfake${n}`,
      ...(upload ? { file_size: upload.size } : {}),
    };
    const duration = toNumber(params.duration) ?? 0;
    const caption = typeof params.caption === 'string' ? { caption: params.caption } : {};
    const fileName = { file_name: upload?.filename ?? 'file' };
    switch (kind) {
      case 'photo':
        return {
          ...caption,
          photo: [
            { ...file, file_id: `${file.file_id}_s`, file_unique_id: `${file.file_unique_id}_s`, width: 90, height: 90 },
            { ...file, width: 1280, height: 1280 },
          ],
        };
      case 'video':
      case 'animation':
        return { ...caption, [kind]: { ...file, width: 1280, height: 720, duration, ...fileName, mime_type: 'video/mp4' } };
      case 'audio':
        return { ...caption, audio: { ...file, duration, ...fileName, mime_type: 'audio/mpeg' } };
      case 'voice':
        return { ...caption, voice: { ...file, duration, mime_type: 'audio/ogg' } };
      case 'document':
        return { ...caption, document: { ...file, ...fileName, mime_type: upload?.contentType ?? 'application/octet-stream' } };
    }
  }

  private chatMember(params: Json): Json {
    const userId = Number(params.user_id);
    const { status, ...rest } = this.members.get(`${params.chat_id}:${userId}`) ?? { status: 'member' };
    return { status, user: { id: userId, is_bot: false, first_name: 'Test' }, ...rest };
  }
}

// ---- helpers ---------------------------------------------------------------------------------

function respond(res: ServerResponse, body: BotApiResponse): void {
  sendJson(res, body.ok ? 200 : body.error_code, body);
}

function failureResponse(failure: TelegramFailure): BotApiResponse {
  switch (failure.kind) {
    case 'blocked':
      return fail(403, 'Forbidden: bot was blocked by the user');
    case 'retry_after':
      return fail(429, `Too Many Requests: retry after ${failure.seconds}`, { retry_after: failure.seconds });
    case 'error':
      return fail(failure.code, failure.description, failure.parameters);
  }
}

/** The checks Telegram makes that a generation bot most often trips over. */
function validateContent(method: string, params: Json): BotApiResponse | undefined {
  if (method === 'sendMessage' || method === 'editMessageText') {
    const length = visibleLength(params.text, params.parse_mode);
    if (length === 0) return fail(400, 'Bad Request: message text is empty');
    if (length > TEXT_LIMIT) return fail(400, 'Bad Request: message is too long');
  }
  if ('caption' in params && visibleLength(params.caption, params.parse_mode) > CAPTION_LIMIT) {
    return fail(400, 'Bad Request: message caption is too long');
  }
  const keyboard = (params.reply_markup as Json | undefined)?.inline_keyboard;
  if (Array.isArray(keyboard)) {
    const buttons = keyboard.flat() as Json[];
    const tooLong = buttons.some((button) => typeof button.callback_data === 'string' && Buffer.byteLength(button.callback_data) > 64);
    if (tooLong) return fail(400, 'Bad Request: BUTTON_DATA_INVALID');
  }
  return undefined;
}

// Telegram counts characters after markup parsing; HTML is stripped here, Markdown counted as sent.
function visibleLength(value: unknown, parseMode: unknown): number {
  const text = typeof value === 'string' ? value : '';
  if (String(parseMode).toLowerCase() !== 'html') return text.trim().length;
  return text
    .replace(/<[^>]*>/g, '')
    .replace(/&(lt|gt|amp|quot|#\d+);/g, '_')
    .trim().length;
}

/** sendInvoice's documented limits, and Stars' own rules: XTR takes an empty provider token and exactly one price. */
function invalidInvoice(params: Json): BotApiResponse | undefined {
  const length = (value: unknown) => (typeof value === 'string' ? [...value].length : 0);
  if (length(params.title) < 1 || length(params.title) > 32) return fail(400, 'Bad Request: invoice title must be 1-32 characters');
  if (length(params.description) < 1 || length(params.description) > 255) return fail(400, 'Bad Request: invoice description must be 1-255 characters');
  const payload = typeof params.payload === 'string' ? Buffer.byteLength(params.payload) : 0;
  if (payload < 1 || payload > 128) return fail(400, 'Bad Request: invoice payload must be 1-128 bytes');
  const prices = Array.isArray(params.prices) ? (params.prices as Json[]) : [];
  if (prices.length === 0 || prices.some((price) => !Number.isInteger(Number(price.amount)) || typeof price.label !== 'string')) {
    return fail(400, 'Bad Request: prices are invalid');
  }
  if (params.currency === 'XTR') {
    if (params.provider_token) return fail(400, 'Bad Request: provider_token must be empty for payments in Telegram Stars');
    if (prices.length !== 1) return fail(400, 'Bad Request: payments in Telegram Stars take exactly one price');
  }
  return undefined;
}

function invoiceOf(params: Json): Json {
  const prices = Array.isArray(params.prices) ? (params.prices as Json[]) : [];
  return {
    title: params.title,
    description: params.description,
    start_parameter: params.start_parameter ?? '',
    currency: params.currency,
    total_amount: prices.reduce((sum, price) => sum + Number(price.amount ?? 0), 0),
  };
}

function chatOf(chatId: unknown): Json {
  const raw = String(chatId);
  if (raw.startsWith('@')) {
    const username = raw.slice(1);
    return { id: -(1_000_000_000_000 + parseInt(hashOf(username), 16)), title: username, username, type: 'channel' };
  }
  const id = Number(raw);
  if (id > 0) return { id, first_name: 'Test', type: 'private' };
  return { id, title: 'Test group', type: raw.startsWith('-100') ? 'supergroup' : 'group' };
}

function inlineMarkup(markup: unknown): Json {
  // Only inline keyboards belong to a message; reply keyboards are never echoed back.
  const isInline = typeof markup === 'object' && markup !== null && 'inline_keyboard' in markup;
  return isInline ? { reply_markup: markup } : {};
}

function commandsKey(params: Json): string {
  return JSON.stringify([params.scope ?? { type: 'default' }, params.language_code ?? '']);
}

function definedOnly(object: Json): Json {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

function isSendOrEdit(method: string): boolean {
  return /^(send|edit)/i.test(method);
}

function sameMethod(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true' || value === '1';
}

function toNumber(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

// ---- request decoding ------------------------------------------------------------------------

async function readRequest(req: IncomingMessage, url: URL): Promise<{ params: Json; files: UploadedFile[] }> {
  const body = await readBody(req);
  const params: Json = Object.fromEntries(url.searchParams);
  const files: UploadedFile[] = [];
  const contentType = req.headers['content-type'] ?? '';
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  if (body.length > 0) {
    if (mediaType === 'application/json') {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('JSON body is not an object');
      Object.assign(params, parsed);
    } else if (mediaType === 'application/x-www-form-urlencoded') {
      Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
    } else if (mediaType === 'multipart/form-data') {
      const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
      if (!boundary) throw new Error('multipart body without a boundary');
      const parts = parseMultipart(body, boundary[1] ?? boundary[2]);
      Object.assign(params, parts.fields);
      files.push(...parts.files);
    }
  }
  for (const field of JSON_FIELDS) {
    const value = params[field];
    if (typeof value === 'string' && /^\s*[[{]/.test(value)) {
      try {
        params[field] = JSON.parse(value);
      } catch {
        throw new Error(`can't parse ${field} JSON object`);
      }
    }
  }
  return { params, files };
}

/** RFC 7578 multipart: text parts become fields, parts with a filename are counted as files. */
function parseMultipart(body: Buffer, boundary: string): { fields: Json; files: UploadedFile[] } {
  const fields: Json = {};
  const files: UploadedFile[] = [];
  const delimiter = Buffer.from(`--${boundary}`);
  const nextDelimiter = Buffer.from(`\r\n--${boundary}`);
  let position = body.indexOf(delimiter);
  if (position === -1) throw new Error('multipart boundary not found');
  position += delimiter.length;
  // After each delimiter comes "--" (the end) or a line break, the part's headers, a blank line and its body.
  while (body.subarray(position, position + 2).toString('latin1') !== '--') {
    const lineEnd = body.indexOf('\r\n', position);
    const headersEnd = body.indexOf('\r\n\r\n', position);
    const end = body.indexOf(nextDelimiter, headersEnd === -1 ? position : headersEnd + 4);
    if (lineEnd === -1 || headersEnd === -1 || end === -1) throw new Error('malformed multipart body');
    const headers = body.subarray(lineEnd + 2, headersEnd).toString('utf8');
    const content = body.subarray(headersEnd + 4, end);
    const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /filename="([^"]*)"/i.exec(disposition)?.[1];
    if (name !== undefined) {
      if (filename !== undefined) {
        const contentType = /^content-type:\s*(.*)$/im.exec(headers)?.[1]?.trim();
        files.push({ field: name, filename, size: content.length, ...(contentType ? { contentType } : {}) });
      } else {
        fields[name] = content.toString('utf8');
      }
    }
    position = end + nextDelimiter.length;
  }
  return { fields, files };
}

import { createHash } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './loopback-server';

/** The Bot API's wire format: method names, request decoding, answers, and the checks Telegram makes. */

export type Json = Record<string, unknown>;

export type TelegramFailure =
  { kind: 'blocked' } | { kind: 'retry_after'; seconds: number } | { kind: 'error'; code: number; description: string; parameters?: Json };

export type BotApiResponse = { ok: true; result: unknown; description?: string } | { ok: false; error_code: number; description: string; parameters?: Json };

/** A file part of a multipart request, as recorded (its size; the bytes go to the file store). */
export interface UploadedFile {
  field: string;
  filename: string;
  contentType?: string;
  size: number;
}

/** A file part with its bytes, while the request is answered. */
export interface ReceivedFile extends UploadedFile {
  data: Buffer;
}

export interface RecordedCall {
  /** Canonical spelling (`sendMessage`) whatever case the client used. */
  method: string;
  params: Json;
  files: UploadedFile[];
  at: Date;
  response: BotApiResponse;
}

export type ChatMemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';

// Every Bot API method up to 9.3: any other name answers 404, as Telegram does, so a typo fails here too.
export const KNOWN_METHODS = new Map(
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
export const JSON_FIELDS = [
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

export const MEDIA_KINDS = ['photo', 'video', 'audio', 'document', 'animation', 'voice'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

export const ok = (result: unknown, description?: string): BotApiResponse => (description ? { ok: true, result, description } : { ok: true, result });
export const fail = (code: number, description: string, parameters?: Json): BotApiResponse =>
  parameters ? { ok: false, error_code: code, description, parameters } : { ok: false, error_code: code, description };

export function respond(res: ServerResponse, body: BotApiResponse): void {
  sendJson(res, body.ok ? 200 : body.error_code, body);
}

export function failureResponse(failure: TelegramFailure): BotApiResponse {
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
export function validateContent(method: string, params: Json): BotApiResponse | undefined {
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
export function visibleLength(value: unknown, parseMode: unknown): number {
  const text = typeof value === 'string' ? value : '';
  if (String(parseMode).toLowerCase() !== 'html') return text.trim().length;
  return text
    .replace(/<[^>]*>/g, '')
    .replace(/&(lt|gt|amp|quot|#\d+);/g, '_')
    .trim().length;
}

/** sendInvoice's documented limits, and Stars' own rules: XTR takes an empty provider token and exactly one price. */
export function invalidInvoice(params: Json): BotApiResponse | undefined {
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

export function invoiceOf(params: Json): Json {
  const prices = Array.isArray(params.prices) ? (params.prices as Json[]) : [];
  return {
    title: params.title,
    description: params.description,
    start_parameter: params.start_parameter ?? '',
    currency: params.currency,
    total_amount: prices.reduce((sum, price) => sum + Number(price.amount ?? 0), 0),
  };
}

export function chatOf(chatId: unknown): Json {
  const raw = String(chatId);
  if (raw.startsWith('@')) {
    const username = raw.slice(1);
    return { id: -(1_000_000_000_000 + parseInt(hashOf(username), 16)), title: username, username, type: 'channel' };
  }
  const id = Number(raw);
  if (id > 0) return { id, first_name: 'Test', type: 'private' };
  return { id, title: 'Test group', type: raw.startsWith('-100') ? 'supergroup' : 'group' };
}

export function inlineMarkup(markup: unknown): Json {
  // Only inline keyboards belong to a message; reply keyboards are never echoed back.
  const isInline = typeof markup === 'object' && markup !== null && 'inline_keyboard' in markup;
  return isInline ? { reply_markup: markup } : {};
}

export function commandsKey(params: Json): string {
  return JSON.stringify([params.scope ?? { type: 'default' }, params.language_code ?? '']);
}

export function definedOnly(object: Json): Json {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

export function isSendOrEdit(method: string): boolean {
  return /^(send|edit)/i.test(method);
}

export function sameMethod(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function isTrue(value: unknown): boolean {
  return value === true || value === 'true' || value === '1';
}

export function toNumber(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

export function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

// ---- request decoding ------------------------------------------------------------------------

export async function readRequest(req: IncomingMessage, url: URL): Promise<{ params: Json; files: ReceivedFile[] }> {
  const body = await readBody(req);
  const params: Json = Object.fromEntries(url.searchParams);
  const files: ReceivedFile[] = [];
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

/** RFC 7578 multipart: text parts become fields, parts with a filename files. */
function parseMultipart(body: Buffer, boundary: string): { fields: Json; files: ReceivedFile[] } {
  const fields: Json = {};
  const files: ReceivedFile[] = [];
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
        files.push({ field: name, filename, size: content.length, data: Buffer.from(content), ...(contentType ? { contentType } : {}) });
      } else {
        fields[name] = content.toString('utf8');
      }
    }
    position = end + nextDelimiter.length;
  }
  return { fields, files };
}

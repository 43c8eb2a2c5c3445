import { Injectable, Logger } from '@nestjs/common';
import http from 'node:http';
import https from 'node:https';
import { Input, Telegram, TelegramError } from 'telegraf';
import type { InputMediaPhoto } from 'telegraf/types';
import { AppConfig, DomainError, Metrics } from '@genbot/core';

export interface OutgoingFile {
  data: Buffer;
  contentType: string;
  filename: string;
}

/**
 * Telegram's 429: not a business error but an infrastructure one, asking us to wait
 * `retryAfterSeconds`. The worker's retry backoff reads that number, so the retry comes when
 * Telegram allows it rather than on a guessed schedule.
 */
export class TelegramRetryAfter extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Telegram asked us to wait ${retryAfterSeconds} s`);
    this.name = 'TelegramRetryAfter';
  }
}

/** One broadcast message: HTML text, or a photo / video / document (a URL or a file_id) with it as caption, and URL buttons. */
export interface BroadcastMessage {
  text: string;
  media?: { type: 'photo' | 'video' | 'document'; file: string };
  buttons?: { text: string; url: string }[][];
  /** Telegram's paid broadcasts: up to 1000 messages/s, charged in Stars beyond the free 30/s. */
  allowPaidBroadcast?: boolean;
}

/**
 * Why a send failed, as far as delivery is concerned. `not_delivered`: Telegram answered an error
 * or no connection was made, so the message certainly did not go out and may be sent again;
 * `unknown`: the request may have reached Telegram (a timeout, a reset), so sending again may
 * duplicate it.
 */
export type SendFailure =
  | { kind: 'retry_after'; seconds: number }
  | { kind: 'blocked' }
  | { kind: 'rejected'; reason: string }
  | { kind: 'not_delivered'; reason: string }
  | { kind: 'unknown'; reason: string };

const NO_CONNECTION = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Sorts an error thrown by a TelegramSender send into what a sender with delivery guarantees needs to know. */
export function classifySendError(error: unknown): SendFailure {
  if (error instanceof TelegramRetryAfter) return { kind: 'retry_after', seconds: error.retryAfterSeconds };
  if (error instanceof DomainError && error.code === 'TELEGRAM_BLOCKED') return { kind: 'blocked' };
  if (error instanceof TelegramError) {
    const reason = error.response?.description ?? error.message;
    return error.code >= 500 ? { kind: 'not_delivered', reason } : { kind: 'rejected', reason };
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  const reason = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && NO_CONNECTION.has(code) ? { kind: 'not_delivered', reason } : { kind: 'unknown', reason };
}

interface BroadcastReply {
  message_id: number;
  photo?: { file_id: string }[];
  video?: { file_id: string };
  document?: { file_id: string };
}

/** Telegram refuses photos over 10 MB; larger images go as documents. */
const PHOTO_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Sends from processes that are not the bot (the worker): results, progress edits, notices.
 * Telegram's 429 becomes a TelegramRetryAfter (the job retries when it says), and 403 ("bot was
 * blocked by the user") a TELEGRAM_BLOCKED DomainError the caller records on the user.
 */
@Injectable()
export class TelegramSender {
  private readonly logger = new Logger(TelegramSender.name);
  private readonly telegram?: Telegram;
  private readonly token: string;
  private readonly apiRoot: string;
  // A broadcast worker keeps hundreds of sends in flight; the default 256 idle sockets would close
  // and reopen the rest on every round.
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxFreeSockets: 1024 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, keepAliveMsecs: 10_000, maxFreeSockets: 1024 });

  constructor(
    config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    this.token = config.env.BOT_TOKEN ?? '';
    this.apiRoot = config.env.TELEGRAM_API_ROOT;
    if (config.env.BOT_TOKEN) this.telegram = new Telegram(config.env.BOT_TOKEN, { apiRoot: config.env.TELEGRAM_API_ROOT });
  }

  get enabled(): boolean {
    return this.telegram !== undefined;
  }

  async sendText(chatId: string, text: string, replyTo?: number | null): Promise<number | undefined> {
    return this.call(
      async (tg) =>
        (await tg.sendMessage(chatId, text, replyTo ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {})).message_id,
    );
  }

  /** Edits a progress message; an edit that fails (message gone, unchanged text) is not worth a retry. */
  async editText(chatId: string, messageId: number, text: string): Promise<void> {
    await this.call((tg) => tg.editMessageText(chatId, messageId, undefined, text)).catch((error: unknown) => {
      if (error instanceof TelegramRetryAfter) throw error;
      this.logger.debug({ err: error }, 'progress edit skipped');
    });
  }

  /** One file as photo / video / audio / document by its type, several images as one album. */
  async sendFiles(chatId: string, files: OutgoingFile[], caption: string, replyTo?: number | null): Promise<void> {
    // telegraf 4.16 sends files as multipart and drops object fields it does not know to
    // serialise (reply_parameters among them), so the reply must travel as a JSON string here.
    const reply = replyTo ? { reply_parameters: JSON.stringify({ message_id: replyTo, allow_sending_without_reply: true }) as never } : {};
    const photos = files.filter((f) => f.contentType.startsWith('image/') && f.data.length <= PHOTO_MAX_BYTES);
    if (files.length > 1 && photos.length === files.length) {
      for (let i = 0; i < files.length; i += 10) {
        const media: InputMediaPhoto[] = files
          .slice(i, i + 10)
          .map((f, j) => ({ type: 'photo', media: Input.fromBuffer(f.data, f.filename), ...(i + j === 0 ? { caption } : {}) }));
        await this.call((tg) => tg.sendMediaGroup(chatId, media, reply));
      }
      return;
    }
    for (const [i, file] of files.entries()) {
      const extra = { ...reply, ...(i === 0 ? { caption } : {}) };
      const input = Input.fromBuffer(file.data, file.filename);
      if (photos.includes(file)) await this.call((tg) => tg.sendPhoto(chatId, input, extra));
      else if (file.contentType.startsWith('video/')) await this.call((tg) => tg.sendVideo(chatId, input, extra));
      else if (file.contentType.startsWith('audio/')) await this.call((tg) => tg.sendAudio(chatId, input, extra));
      else await this.call((tg) => tg.sendDocument(chatId, input, extra));
    }
  }

  /**
   * One broadcast message to one chat, answering its message id and, for media, the file_id
   * Telegram keeps it under (so a URL is fetched once and the file_id reused for everyone else).
   * A send that hangs is abandoned after `timeoutMs` (its outcome is then unknown to the caller).
   */
  async sendBroadcast(chatId: string, message: BroadcastMessage, timeoutMs = 30_000): Promise<{ messageId: number; fileId?: string } | undefined> {
    const common = {
      chat_id: chatId,
      parse_mode: 'HTML',
      ...(message.buttons?.length ? { reply_markup: { inline_keyboard: message.buttons } } : {}),
      ...(message.allowPaidBroadcast ? { allow_paid_broadcast: true } : {}),
    };
    const [method, payload] = message.media
      ? ([
          `send${message.media.type[0].toUpperCase()}${message.media.type.slice(1)}`,
          { ...common, [message.media.type]: message.media.file, caption: message.text },
        ] as const)
      : (['sendMessage', { ...common, text: message.text }] as const);
    const sent = await this.call(() => this.post<BroadcastReply>(method, payload, timeoutMs));
    if (!sent) return undefined;
    const media = sent.photo?.at(-1) ?? sent.video ?? sent.document;
    return { messageId: sent.message_id, ...(media ? { fileId: media.file_id } : {}) };
  }

  /** A Stars (or other) invoice link for the Mini App's openInvoice; undefined without a bot token. */
  async createInvoiceLink(invoice: { title: string; description: string; payload: string; currency: string; amount: number }): Promise<string | undefined> {
    return this.call((telegram) =>
      telegram.createInvoiceLink({
        title: invoice.title,
        description: invoice.description,
        payload: invoice.payload,
        currency: invoice.currency,
        provider_token: '',
        prices: [{ label: invoice.title, amount: invoice.amount }],
      }),
    );
  }

  /** Returns a Stars payment to the payer; false without a bot token. */
  async refundStarPayment(telegramUserId: string, chargeId: string): Promise<boolean> {
    return (
      ((await this.call((telegram) =>
        // telegraf's method list predates refundStarPayment; the Bot API call itself is plain.
        telegram.callApi('refundStarPayment' as never, { user_id: Number(telegramUserId), telegram_payment_charge_id: chargeId } as never),
      )) as unknown) === true
    );
  }

  /**
   * A user's membership of a chat (getChatMember): its status and, for `restricted`, whether they are
   * still in it. Telegram's 400 for a user it cannot find there reads as `left`; undefined without a
   * bot token.
   */
  async chatMember(chatId: string, userId: string): Promise<{ status: string; isMember?: boolean } | undefined> {
    try {
      const member = await this.call((telegram) => telegram.getChatMember(chatId, Number(userId)));
      return member && { status: member.status, ...('is_member' in member ? { isMember: member.is_member } : {}) };
    } catch (error) {
      if (error instanceof TelegramError && error.code === 400 && /user not found|participant_id_invalid|member not found/i.test(error.description))
        return { status: 'left' };
      throw error;
    }
  }

  /**
   * One JSON Bot API call straight over a keep-alive agent: a broadcast makes thousands a second,
   * and telegraf's callApi (node-fetch, a Request and Headers per call) cost most of a worker's
   * CPU. Answers and errors are telegraf's (a TelegramError for `ok: false` or a 5xx), so callers
   * and classifySendError see no difference; a timeout destroys the request (outcome unknown).
   */
  private post<T>(method: string, payload: object, timeoutMs: number): Promise<T> {
    const url = new URL(`./bot${this.token}/${method}`, this.apiRoot);
    const body = JSON.stringify(payload);
    const agent = url.protocol === 'http:' ? this.httpAgent : this.httpsAgent;
    const request = url.protocol === 'http:' ? http.request : https.request;
    return new Promise<T>((resolve, reject) => {
      const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('close', () => {
          if (!res.complete) reject(new Error(`${method}: the connection closed before the answer`));
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 500) return reject(new TelegramError({ error_code: status, description: res.statusMessage ?? '' }, { method, payload }));
          try {
            const data = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { ok: boolean; result: T; error_code: number; description: string };
            if (!data.ok) return reject(new TelegramError(data, { method, payload }));
            resolve(data.result);
          } catch (error) {
            reject(error);
          }
        });
      });
      const timer = setTimeout(() => req.destroy(new Error(`${method} timed out after ${timeoutMs} ms`)), timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', reject);
      req.end(body);
    });
  }

  private async call<T>(send: (telegram: Telegram) => Promise<T>): Promise<T | undefined> {
    if (!this.telegram) return undefined;
    try {
      return await send(this.telegram);
    } catch (error) {
      if (error instanceof TelegramError) {
        this.metrics.telegramError(error.code);
        if (error.code === 429) throw new TelegramRetryAfter(error.parameters?.retry_after ?? 5);
        if (error.code === 403) throw new DomainError('TELEGRAM_BLOCKED', 'The user has blocked the bot');
      }
      throw error;
    }
  }
}

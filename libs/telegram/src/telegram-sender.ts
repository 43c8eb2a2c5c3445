import { Injectable, Logger } from '@nestjs/common';
import { Input, Telegram, TelegramError } from 'telegraf';
import type { InputMediaPhoto } from 'telegraf/types';
import { AppConfig, DomainError } from '@genbot/core';

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

  constructor(config: AppConfig) {
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

  private async call<T>(send: (telegram: Telegram) => Promise<T>): Promise<T | undefined> {
    if (!this.telegram) return undefined;
    try {
      return await send(this.telegram);
    } catch (error) {
      if (error instanceof TelegramError) {
        if (error.code === 429) throw new TelegramRetryAfter(error.parameters?.retry_after ?? 5);
        if (error.code === 403) throw new DomainError('TELEGRAM_BLOCKED', 'The user has blocked the bot');
      }
      throw error;
    }
  }
}

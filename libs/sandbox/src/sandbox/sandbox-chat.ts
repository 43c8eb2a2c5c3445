import { randomBytes } from 'node:crypto';
import { LocalBotApi } from '../bot-api/local-bot-api';
import type { RecordedCall } from '../bot-api/bot-api-protocol';

type Json = Record<string, unknown>;

/** A person in the sandbox: a Telegram user as the bot sees them. */
export interface SandboxUser {
  id: number;
  first_name: string;
  username?: string;
  language_code: string;
}

export type MediaSent = 'photo' | 'voice' | 'audio' | 'video' | 'document';

export type PaymentOutcome = { status: 'paid'; chargeId: string } | { status: 'refused'; reason: string } | { status: 'declined' } | { status: 'unanswered' };

/** How long Telegram gives a bot to answer a callback query or a pre-checkout query. */
const ANSWER_WAIT_MS = 10_000;

/**
 * The user's side of the chat: what a Telegram app does when its user types, sends a file,
 * presses a button or pays. Each action is a message in the stand-in's chat (so the page shows
 * it) and an update for the bot, exactly as Telegram would deliver it.
 */
export class SandboxChat {
  constructor(private readonly api: LocalBotApi) {}

  sendText(user: SandboxUser, text: string): Json {
    const command = /^\/\w+/.exec(text);
    const entities = command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {};
    return this.deliver(user, { text, ...entities });
  }

  /** A file from the user: kept by the stand-in (getFile serves it to the bot) and sent as `kind`. */
  sendFile(
    user: SandboxUser,
    kind: MediaSent,
    file: { data: Buffer; ext: string; name?: string; mimeType?: string; duration?: number },
    caption?: string,
  ): Json {
    const stored = this.api.chats.addFile(file.data, file.ext, file.name);
    const captionPart = caption ? { caption } : {};
    const duration = Math.max(1, Math.round(file.duration ?? 1));
    switch (kind) {
      case 'photo':
        // Telegram sends a photo in several sizes; a bot takes the largest (the last).
        return this.deliver(user, {
          photo: [
            { ...stored, width: 90, height: 90 },
            { ...stored, width: 1280, height: 1280 },
          ],
          ...captionPart,
        });
      case 'voice':
        return this.deliver(user, { voice: { ...stored, duration, mime_type: file.mimeType ?? 'audio/ogg' }, ...captionPart });
      case 'audio':
        return this.deliver(user, { audio: { ...stored, duration, file_name: file.name, mime_type: file.mimeType ?? 'audio/mpeg' }, ...captionPart });
      case 'video':
        return this.deliver(user, { video: { ...stored, duration, width: 1280, height: 720, mime_type: file.mimeType ?? 'video/mp4' }, ...captionPart });
      case 'document':
        return this.deliver(user, {
          document: { ...stored, file_name: file.name ?? 'file', mime_type: file.mimeType ?? 'application/octet-stream' },
          ...captionPart,
        });
    }
  }

  /**
   * A press on an inline button: a callback_query carrying the message, then the bot's
   * answerCallbackQuery (its toast or alert text), or undefined when it did not answer in time.
   */
  async pressButton(user: SandboxUser, messageId: number, data: string): Promise<{ text?: string; showAlert?: boolean } | undefined> {
    const message = this.api.chats.get(user.id, messageId);
    if (!message) throw new SandboxError('SANDBOX_MESSAGE_NOT_FOUND', `No message ${messageId} in this chat`);
    const queryId = randomBytes(8).readBigUInt64BE().toString();
    const answer = this.waitFor('answerCallbackQuery', (call) => call.params.callback_query_id === queryId);
    this.api.pushUpdate({ callback_query: { id: queryId, from: this.fromOf(user), message, chat_instance: String(user.id), data } });
    const call = await answer;
    if (!call) return undefined;
    return {
      text: typeof call.params.text === 'string' ? call.params.text : undefined,
      showAlert: call.params.show_alert === true || call.params.show_alert === 'true',
    };
  }

  /**
   * Pays an invoice the way Telegram does: pre_checkout_query, and on the bot's yes, the
   * successful_payment service message. `decline` plays a payment that fails after the bot said
   * yes (a card refused, the buyer short of Stars): no money moves and the bot hears nothing more.
   */
  async pay(user: SandboxUser, invoice: { messageId: number } | { slug: string }, opts: { decline?: boolean } = {}): Promise<PaymentOutcome> {
    const order = this.api.invoice('slug' in invoice ? invoice : { chatId: user.id, messageId: invoice.messageId });
    if (!order) throw new SandboxError('SANDBOX_INVOICE_NOT_FOUND', 'No such invoice');
    const queryId = randomBytes(8).readBigUInt64BE().toString();
    const answer = this.waitFor('answerPreCheckoutQuery', (call) => call.params.pre_checkout_query_id === queryId);
    this.api.pushUpdate({
      pre_checkout_query: { id: queryId, from: this.fromOf(user), currency: order.currency, total_amount: order.totalAmount, invoice_payload: order.payload },
    });
    const call = await answer;
    if (!call) return { status: 'unanswered' };
    const accepted = call.params.ok === true || call.params.ok === 'true';
    if (!accepted) return { status: 'refused', reason: String(call.params.error_message ?? '') };
    if (opts.decline) return { status: 'declined' };
    const chargeId = `sandbox_${randomBytes(12).toString('hex')}`;
    this.deliver(user, {
      successful_payment: {
        currency: order.currency,
        total_amount: order.totalAmount,
        invoice_payload: order.payload,
        telegram_payment_charge_id: chargeId,
        provider_payment_charge_id: '',
      },
    });
    return { status: 'paid', chargeId };
  }

  private deliver(user: SandboxUser, content: Json): Json {
    const message = this.api.chats.userMessage(this.fromOf(user), content);
    this.api.pushUpdate({ message });
    return message;
  }

  private fromOf(user: SandboxUser): Json {
    return {
      id: user.id,
      is_bot: false,
      first_name: user.first_name,
      ...(user.username ? { username: user.username } : {}),
      language_code: user.language_code,
    };
  }

  private waitFor(method: string, match: (call: RecordedCall) => boolean): Promise<RecordedCall | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        stop();
        resolve(undefined);
      }, ANSWER_WAIT_MS);
      const stop = this.api.onCall((call) => {
        if (call.method !== method || !call.response.ok || !match(call)) return;
        clearTimeout(timer);
        stop();
        resolve(call);
      });
    });
  }
}

/** A sandbox request that cannot be done (an unknown message, invoice or user): a 4xx for the page. */
export class SandboxError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let nextUpdateId = Math.floor(Math.random() * 1e6) * 1000;
let nextMessageId = 1;

export interface TestSender {
  id: number;
  first_name?: string;
  username?: string;
  language_code?: string;
}

/** A private-chat text message update, as Telegram posts it to a webhook. */
export function messageUpdate(from: TestSender, text: string) {
  const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0].length }] : undefined;
  return {
    update_id: ++nextUpdateId,
    message: {
      message_id: nextMessageId++,
      from: { is_bot: false, first_name: 'Test', ...from },
      chat: { id: from.id, type: 'private', first_name: from.first_name ?? 'Test' },
      date: Math.floor(Date.now() / 1000),
      text,
      ...(entities ? { entities } : {}),
    },
  };
}

/** A private-chat voice message; `file` from FakeTelegramApi.addFile. */
export function voiceUpdate(from: TestSender, file: { file_id: string; file_unique_id: string; file_size?: number }, duration = 2) {
  return {
    update_id: ++nextUpdateId,
    message: {
      message_id: nextMessageId++,
      from: { is_bot: false, first_name: 'Test', ...from },
      chat: { id: from.id, type: 'private', first_name: from.first_name ?? 'Test' },
      date: Math.floor(Date.now() / 1000),
      voice: { ...file, duration, mime_type: 'audio/ogg' },
    },
  };
}

/** A private-chat photo (a file from FakeTelegramApi.addFile), in the two sizes Telegram sends. */
export function photoUpdate(from: TestSender, file: { file_id: string; file_unique_id: string; file_size: number }, caption?: string) {
  return {
    update_id: ++nextUpdateId,
    message: {
      message_id: nextMessageId++,
      from: { is_bot: false, first_name: 'Test', ...from },
      chat: { id: from.id, type: 'private', first_name: from.first_name ?? 'Test' },
      date: Math.floor(Date.now() / 1000),
      photo: [
        { file_id: `${file.file_id}_thumb`, file_unique_id: `${file.file_unique_id}_t`, file_size: 1000, width: 90, height: 90 },
        { ...file, width: 1280, height: 1280 },
      ],
      ...(caption ? { caption } : {}),
    },
  };
}

/** A press on an inline button under message `messageId`. */
export function callbackUpdate(from: TestSender, data: string, messageId = 1) {
  return {
    update_id: ++nextUpdateId,
    callback_query: {
      id: String(++nextUpdateId),
      from: { is_bot: false, first_name: 'Test', ...from },
      chat_instance: '1',
      data,
      message: { message_id: messageId, chat: { id: from.id, type: 'private' }, date: Math.floor(Date.now() / 1000), text: 'menu' },
    },
  };
}

/** The user blocked (`kicked`) or unblocked (`member`) the bot in their private chat. */
export function myChatMemberUpdate(from: TestSender, status: 'kicked' | 'member', botId = 1) {
  const date = Math.floor(Date.now() / 1000);
  const bot = { id: botId, is_bot: true, first_name: 'Bot' };
  return {
    update_id: ++nextUpdateId,
    my_chat_member: {
      chat: { id: from.id, type: 'private', first_name: from.first_name ?? 'Test' },
      from: { is_bot: false, first_name: 'Test', ...from },
      date,
      old_chat_member: { user: bot, status: status === 'kicked' ? 'member' : 'kicked' },
      new_chat_member: { user: bot, status, ...(status === 'kicked' ? { until_date: 0 } : {}) },
    },
  };
}

/** Telegram asking the bot to confirm an order before taking the money (answer within 10 s). */
export function preCheckoutUpdate(from: TestSender, invoice: { payload: string; currency: string; totalAmount: number }) {
  return {
    update_id: ++nextUpdateId,
    pre_checkout_query: {
      id: String(++nextUpdateId),
      from: { is_bot: false, first_name: 'Test', ...from },
      currency: invoice.currency,
      total_amount: invoice.totalAmount,
      invoice_payload: invoice.payload,
    },
  };
}

/** The service message Telegram sends to the chat once a payment went through; it may repeat it. */
export function successfulPaymentUpdate(from: TestSender, payment: { payload: string; currency: string; totalAmount: number; chargeId: string }) {
  return {
    update_id: ++nextUpdateId,
    message: {
      message_id: nextMessageId++,
      from: { is_bot: false, first_name: 'Test', ...from },
      chat: { id: from.id, type: 'private', first_name: from.first_name ?? 'Test' },
      date: Math.floor(Date.now() / 1000),
      successful_payment: {
        currency: payment.currency,
        total_amount: payment.totalAmount,
        invoice_payload: payment.payload,
        telegram_payment_charge_id: payment.chargeId,
        provider_payment_charge_id: '',
      },
    },
  };
}

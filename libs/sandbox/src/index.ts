/** The local Telegram Bot API (the sandbox's Telegram and the tests' fake Bot API), with its chats and files. */
export { LocalBotApi, type InvoiceOrder, type LocalBotApiOptions } from './bot-api/local-bot-api';
export { ChatStore, type ChatEvent, type StoredFile } from './bot-api/chat-store';
export type { BotApiResponse, ChatMemberStatus, RecordedCall, TelegramFailure, UploadedFile } from './bot-api/bot-api-protocol';
/** Telegram's `parse_mode: HTML` as plain text and entities. */
export { parseHtml, type MessageEntity } from './bot-api/html-entities';
/** The HTTP server under the stand-in (and the tests' other fakes): a free port on 127.0.0.1. */
export { LoopbackServer, readBody, sendJson } from './bot-api/loopback-server';
/** `npm start` with no BOT_TOKEN: the stand-in, the bot pointed at it, and the page mounted on the bot app. */
export { startSandbox, type Sandbox } from './start-sandbox';
/** A Telegram app's side of a chat (type, send files, press buttons, pay), as the page and tests play it. */
export { SandboxChat, SandboxError, type MediaSent, type PaymentOutcome, type SandboxUser } from './sandbox/sandbox-chat';
export { signMiniAppInitData } from './sandbox/mini-app-launch';

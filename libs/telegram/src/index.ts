/** Validates Mini App init data (bot-token HMAC, freshness) and returns the signed user and session fields. */
export { validateInitData } from './init-data';
/** Extracts raw init data from `X-Telegram-Init-Data` or `Authorization: tma …` request headers. */
export { parseAuthorizationInitData } from './init-data';
/** What a validated Mini App launch tells us: the user, when Telegram signed it, and the launch context. */
export type { InitData, InitDataUser, InitDataValidationOptions } from './init-data';
/** Verifies a Telegram Login Widget payload (SHA-256-of-token HMAC, freshness) and returns the user. */
export { verifyLoginWidget } from './login-widget';
/** The user a verified Login Widget payload describes. */
export type { LoginWidgetUser, LoginWidgetVerificationOptions } from './login-widget';
/** User-facing texts in uz / ru / en. */
export { CATALOGS, LANGUAGE_NAMES, texts } from './i18n';
/** "1 credit", "2 кредита", "5 кредитов": counts with the word form their language's plural rules pick. */
export { credits, plural } from './i18n/plural';
export type { PluralForms } from './i18n/plural';
export type { Catalog } from './i18n';
/** Sends results and notices from processes other than the bot; 429 becomes TelegramRetryAfter (carrying the wait), 403 TELEGRAM_BLOCKED. */
export { TelegramRetryAfter, TelegramSender, classifySendError } from './telegram-sender';
export type { BroadcastMessage, OutgoingFile, SendFailure } from './telegram-sender';
export { TelegramModule } from './telegram.module';

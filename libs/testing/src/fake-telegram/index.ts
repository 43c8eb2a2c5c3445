/** Loopback stand-in for the Telegram Bot API, and Mini App initData signed as Telegram signs it. */
export {
  FakeTelegramApi,
  type BotApiResponse,
  type ChatMemberStatus,
  type FakeTelegramApiOptions,
  type RecordedCall,
  type TelegramFailure,
  type UploadedFile,
} from './fake-telegram-api';
export { signInitData, type InitDataUser, type SignInitDataOptions } from './init-data';

/**
 * The tests' Telegram Bot API is the sandbox's own stand-in (libs/sandbox), under the name the
 * suites know it by: one fake, not two. Plus Mini App initData signed as Telegram signs it.
 */
export {
  LocalBotApi as FakeTelegramApi,
  type BotApiResponse,
  type ChatMemberStatus,
  type LocalBotApiOptions as FakeTelegramApiOptions,
  type RecordedCall,
  type TelegramFailure,
  type UploadedFile,
} from '@genbot/sandbox';
export { signInitData, type InitDataUser, type SignInitDataOptions } from './init-data';

import { createHash } from 'node:crypto';
import { sign } from '@telegram-apps/init-data-node';

/** The `user` field of Mini App initData, in Telegram's own (snake_case) spelling. */
export type InitDataUser = {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  is_premium?: boolean;
  allows_write_to_pm?: boolean;
  photo_url?: string;
};

export type SignInitDataOptions = {
  user: InitDataUser;
  /** Defaults to now; pass an old date to test the freshness window. */
  authDate?: Date;
  queryId?: string;
  startParam?: string;
  chatType?: string;
  chatInstance?: string;
  /** Telegram's Ed25519 third-party signature; a fake one by default (see below). */
  signature?: string;
};

/**
 * Raw initData as a Mini App sends it, signed with the bot token the way Telegram does.
 * Signed by @telegram-apps/init-data-node rather than our own code, so that our validator is
 * checked against an independent implementation instead of agreeing with itself.
 */
export function signInitData(botToken: string, options: SignInitDataOptions): string {
  const authDate = options.authDate ?? new Date();
  // Real initData always carries `signature` next to `hash`, and `hash` covers it: a validator
  // that drops it from the data-check-string must fail here as it would in production.
  const signature = options.signature ?? createHash('sha512').update(`${botToken}:${authDate.getTime()}`).digest('base64url');
  return sign(
    {
      user: { ...options.user },
      query_id: options.queryId,
      start_param: options.startParam,
      chat_type: options.chatType,
      chat_instance: options.chatInstance,
      signature,
    },
    botToken,
    authDate,
  );
}

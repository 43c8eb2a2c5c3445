import type { Context } from 'telegraf';
import type { Catalog } from '@genbot/telegram';
import type { Language, User } from '@genbot/users';

/** What the user-context middleware puts on every update that has a sender. */
export interface BotState {
  user: User;
  /** True when this update registered the user. */
  created: boolean;
  lang: Language;
  t: Catalog;
}

export type BotContext = Context & { state: BotState };

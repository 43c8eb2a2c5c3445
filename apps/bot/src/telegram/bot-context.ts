import type { Context } from 'telegraf';
import type { Catalog, Lang } from '@genbot/telegram';
import type { User } from '@genbot/users';

/** What the user-context middleware puts on every update that has a sender. */
export interface BotState {
  user: User;
  /** True when this update registered the user. */
  created: boolean;
  lang: Lang;
  t: Catalog;
}

export type BotContext = Context & { state: BotState };

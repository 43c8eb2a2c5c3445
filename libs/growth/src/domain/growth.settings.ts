/** Growth's operator-tunable values (`system_settings`) and their defaults. */
export const GROWTH_SETTING_DEFAULTS = {
  /** Credits granted once to every new user (0: none). */
  welcome_bonus_credits: 0,
  /** Seed 003's daily bonus: credits by streak day (day 1 first); past the end, the last value. */
  daily_bonus_schedule: [5, 5, 10, 10, 15, 15, 25] as number[],
  /** IANA time zone whose midnight starts a new bonus day for users who have told us none. */
  timezone: 'Europe/Moscow',
  /** Channels (`@username` or chat id) whose members earn the subscription bonus, once per channel. */
  subscription_channels: [] as string[],
  subscription_bonus_credits: 10,
  /** The chat (`@username` or id) where users leave reviews; empty: reviews are not collected. */
  review_chat_id: '' as string,
  review_bonus_credits: 20,
};

/** Growth's operator-tunable values (`system_settings`) and their defaults. */
export const GROWTH_SETTING_DEFAULTS = {
  /** Credits granted once to every new user (0: none). */
  welcome_bonus_credits: 0,
  /** Seed 003's daily bonus: credits by streak day (day 1 first); past the end, the last value. */
  daily_bonus_schedule: [5, 5, 10, 10, 15, 15, 25] as number[],
  /** Channels (`@username` or chat id) whose members earn the subscription bonus, once per channel. */
  subscription_channels: [] as string[],
  subscription_bonus_credits: 10,
  /** The chat (`@username` or id) where users leave reviews; empty: reviews are not collected. */
  review_chat_id: '' as string,
  review_bonus_credits: 20,
  /** Seed 003's one-time offer to users who generated but never paid: percent off (0: no offers are made). */
  discount_offer_percent: 0,
  /** Hours after a user's first finished generation before the offer goes out. */
  discount_offer_delay_hours: 24,
  /** Hours the offer stays valid. */
  discount_offer_valid_hours: 48,
  /** Seed 003's `bonus_images`: images a user's first drawing brings beyond `drawing_images` (0: none). */
  first_drawing_bonus_images: 2,
  /** The tariff (slug) offered at a discount. */
  discount_offer_tariff: 'credits-1000',
};

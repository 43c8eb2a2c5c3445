/** Growth's operator-tunable values (`system_settings`) and their defaults. */
export const GROWTH_SETTING_DEFAULTS = {
  /** Credits granted once to every new user (0: none). */
  welcome_bonus_credits: 0,
};

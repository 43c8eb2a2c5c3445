/** Broadcasts' operator-tunable values (`system_settings`) and their defaults. */
export const BROADCASTS_SETTING_DEFAULTS = {
  /** Messages per second across every worker (Telegram's free limit is about 30/s). DESIGN.md's key. */
  broadcast_rate_per_second: 25,
  /** The rate for broadcasts sent with `allow_paid_broadcast` (Telegram charges Stars above 30/s, up to 1000/s). */
  broadcast_paid_rate_per_second: 1000,
};

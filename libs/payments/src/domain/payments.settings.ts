/** Payments' operator-tunable values (`system_settings`) and their defaults. */
export const PAYMENTS_SETTING_DEFAULTS = {
  /** Seed 002: 70 ⭐ buy 1000 credits; prices a tariff in Stars when it has no XTR price of its own. */
  stars_per_1000_credits: 70,
  /** Credits bought by one rouble when a payment intent names an amount rather than a tariff. */
  credits_per_rub: 10,
  /** Seed 002: an inviter earns this percent (rounded up) of the credits each invitee's payment buys. */
  referral_percent: 10,
  /** A pending payment not paid within this many minutes is marked expired. */
  payment_lifetime_minutes: 60,
  /** A job parked as waiting_payment is failed after this many minutes without a covering payment. */
  waiting_payment_timeout_minutes: 30,
};

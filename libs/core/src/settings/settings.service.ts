import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Operator-tunable business values and their defaults; the admin API edits them. */
export const SETTING_DEFAULTS = {
  welcome_bonus_credits: 0,
  /** Provider cost in USD × this = credits (seed 002's prices are $0.027 → 27 credits). */
  credits_per_usd: 1000,
  /** Models whose first use is free, once per user. */
  trial_model_slugs: ['seedream-v4', 'nano-banana', 'qwen', 'local-text-to-image', 'animate-drawing'] as string[],
  result_retention_days: 30,
  /** Queued or running generations one user may have at once (0: no cap); more is a 429. */
  max_active_generations_per_user: 3,
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

export type SettingKey = keyof typeof SETTING_DEFAULTS;

const CACHE_MS = 5_000;

/**
 * Reads `system_settings` with a few seconds of in-process caching: values change rarely, and a
 * short cache keeps an edit visible to every process within seconds without invalidation.
 */
@Injectable()
export class SettingsService {
  private cache?: { at: number; values: Map<string, unknown> };

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get<K extends SettingKey>(key: K): Promise<(typeof SETTING_DEFAULTS)[K]> {
    if (!this.cache || Date.now() - this.cache.at > CACHE_MS) {
      const rows: { key: string; value: unknown }[] = await this.dataSource.query('SELECT key, value FROM system_settings');
      this.cache = { at: Date.now(), values: new Map(rows.map((row) => [row.key, row.value])) };
    }
    return (this.cache.values.get(key) ?? SETTING_DEFAULTS[key]) as (typeof SETTING_DEFAULTS)[K];
  }

  async set(values: Partial<Record<SettingKey, unknown>>): Promise<void> {
    for (const [key, value] of Object.entries(values)) {
      await this.dataSource.query(
        `INSERT INTO system_settings (key, value, updated_at) VALUES ($1, $2, now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
        [key, JSON.stringify(value)],
      );
    }
    this.cache = undefined;
  }
}

import { Injectable } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';

/** A lib's operator-tunable values and their defaults (`GENERATIONS_SETTING_DEFAULTS` …). */
export type SettingDefaults = Readonly<Record<string, unknown>>;

/**
 * Settings of the platform rather than of one lib: every lib that counts local days (the daily
 * bonus, the admins' daily report, ad-source stats) reads the one operator time zone.
 */
export const PLATFORM_SETTING_DEFAULTS = {
  /** IANA time zone of the business: local days, report times, users who told us none. */
  timezone: 'UTC',
} as const;

/** Thrown at boot when two libs give one setting different defaults, and on reading a key no lib declared. */
export class SettingsError extends Error {}

/**
 * The defaults of every setting this process knows. Core knows no lib's keys: each lib's module
 * adds its own when it is instantiated, so whatever a process imports brings its settings along.
 * (Kept apart from SettingsService so a test that swaps the service still gets the lib's defaults.)
 */
@Injectable()
export class SettingDefaultsRegistry {
  private readonly defaults = new Map<string, unknown>();

  constructor() {
    this.add(PLATFORM_SETTING_DEFAULTS);
  }

  /** Adds a lib's defaults. The same key twice must carry the same default. */
  add(defaults: SettingDefaults): void {
    for (const [key, value] of Object.entries(defaults)) {
      if (this.defaults.has(key) && !isDeepStrictEqual(this.defaults.get(key), value))
        throw new SettingsError(`Setting ${key} has two defaults: ${JSON.stringify(this.defaults.get(key))} and ${JSON.stringify(value)}`);
      this.defaults.set(key, value);
    }
  }

  /** Every declared key with its default (the admin API lists and type-checks settings by them). */
  entries(): [string, unknown][] {
    return [...this.defaults.entries()];
  }

  /** The default of `key`; a key no imported lib declared is a bug, not `undefined`. */
  defaultOf(key: string): unknown {
    if (!this.defaults.has(key)) throw new SettingsError(`Unknown setting ${key}: no imported lib declares it`);
    return this.defaults.get(key);
  }
}

import { Injectable } from '@nestjs/common';
import { SettingDefaultsRegistry } from './setting-defaults.registry';
import { SettingsRepository } from './settings.repository';

const CACHE_MS = 5_000;

/**
 * Reads `system_settings` with a few seconds of in-process caching: values change rarely, and a
 * short cache keeps an edit visible to every process within seconds without invalidation. What a
 * key defaults to is its lib's business (SettingDefaultsRegistry).
 */
@Injectable()
export class SettingsService {
  private cache?: { at: number; values: Map<string, unknown> };

  constructor(
    private readonly repository: SettingsRepository,
    private readonly defaults: SettingDefaultsRegistry,
  ) {}

  /** The stored value, else the lib's default. */
  async get(key: string): Promise<unknown> {
    const fallback = this.defaults.defaultOf(key);
    if (!this.cache || Date.now() - this.cache.at > CACHE_MS) {
      const rows = await this.repository.all();
      this.cache = { at: Date.now(), values: new Map(rows.map((row) => [row.key, row.value])) };
    }
    return this.cache.values.get(key) ?? fallback;
  }

  async set(values: Record<string, unknown>): Promise<void> {
    for (const [key, value] of Object.entries(values)) await this.repository.upsert(key, value);
    this.cache = undefined;
  }
}

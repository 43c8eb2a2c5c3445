import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { afterCommit } from '../database/after-commit';
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

  /** Every declared setting with its value now (stored, else default), by key. */
  async all(): Promise<Record<string, unknown>> {
    const stored = new Map((await this.repository.all()).map((row) => [row.key, row.value]));
    return Object.fromEntries(
      this.defaults
        .entries()
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, fallback]) => [key, stored.get(key) ?? fallback]),
    );
  }

  /** Stores `values` in one transaction, `before` written beside them (an audit row); this process reads them at once, others within seconds. */
  async setAudited(values: Record<string, unknown>, audit: (em: EntityManager, before: Record<string, unknown>) => Promise<void>): Promise<void> {
    const current = await this.all();
    const before = Object.fromEntries(Object.keys(values).map((key) => [key, current[key]]));
    await this.repository.transaction(async (em) => {
      for (const [key, value] of Object.entries(values)) await this.repository.upsert(key, value, em);
      await audit(em, before);
      await afterCommit(em, async () => void (this.cache = undefined));
    });
  }
}

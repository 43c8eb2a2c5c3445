import { Injectable, Logger } from '@nestjs/common';
import { SettingsService } from '@genbot/core';
import { ObjectStorage } from '@genbot/storage';
import { DataObjectsRepository } from '../infrastructure/data-objects.repository';
import { GENERATIONS_SETTING_DEFAULTS } from '../domain/generations.settings';
import { GenerationsRepository } from '../infrastructure/generations.repository';

/**
 * Hourly: uploads past their expiry (never confirmed, or confirmed and kept long enough) and
 * results older than `result_retention_days` leave storage and the database.
 */
@Injectable()
export class CleanupService {
  private readonly logger = new Logger(CleanupService.name);

  constructor(
    private readonly repository: GenerationsRepository,
    private readonly uploads: DataObjectsRepository,
    private readonly storage: ObjectStorage,
    private readonly settings: SettingsService,
  ) {}

  async run(batch = 500): Promise<{ uploads: number; results: number }> {
    // Storage first: a row left behind by a crash is retried next hour; a file left without its row never would be.
    const uploads = await this.uploads.expired(batch);
    for (const upload of uploads) {
      await this.storage.delete(upload.storageKey);
      await this.uploads.deleteExpired(upload.id);
    }
    const results = await this.repository.resultsOlderThan(await resultRetentionDays(this.settings), batch);
    for (const result of results) {
      await this.storage.delete(result.storageKey);
      await this.repository.deleteResult(result.id);
    }
    if (uploads.length || results.length) this.logger.log(`removed ${uploads.length} expired upload(s) and ${results.length} result(s) past retention`);
    return { uploads: uploads.length, results: results.length };
  }
}

/** The operator's `result_retention_days`; a value that is not a positive number keeps the default rather than deleting everything. */
export async function resultRetentionDays(settings: SettingsService): Promise<number> {
  const days = Number(await settings.get('result_retention_days'));
  return Number.isFinite(days) && days > 0 ? days : GENERATIONS_SETTING_DEFAULTS.result_retention_days;
}

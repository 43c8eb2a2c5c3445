import { Injectable, Logger } from '@nestjs/common';
import { ObjectStorage } from '@genbot/storage';
import { GenerationsRepository } from '../infrastructure/generations.repository';

/** Hourly: uploads never confirmed, and results past their retention, leave storage and the database. */
@Injectable()
export class CleanupService {
  private readonly logger = new Logger(CleanupService.name);

  constructor(
    private readonly repository: GenerationsRepository,
    private readonly storage: ObjectStorage,
  ) {}

  async run(batch = 500): Promise<{ uploads: number; results: number }> {
    const db = this.repository.dataSource;
    const uploads: { id: string; storage_key: string }[] = await db.query(
      `SELECT id, storage_key FROM data_objects WHERE status = 'pending' AND expires_at < now() ORDER BY expires_at LIMIT $1`,
      [batch],
    );
    for (const upload of uploads) {
      await this.storage.delete(upload.storage_key);
      await db.query(`DELETE FROM data_objects WHERE id = $1 AND status = 'pending'`, [upload.id]);
    }
    const results: { id: string; storage_key: string }[] = await db.query(
      `SELECT id, storage_key FROM generation_results WHERE expires_at < now() ORDER BY expires_at LIMIT $1`,
      [batch],
    );
    for (const result of results) {
      await this.storage.delete(result.storage_key);
      await db.query(`DELETE FROM generation_results WHERE id = $1`, [result.id]);
    }
    if (uploads.length || results.length) this.logger.log(`removed ${uploads.length} stale upload(s) and ${results.length} expired result(s)`);
    return { uploads: uploads.length, results: results.length };
  }
}

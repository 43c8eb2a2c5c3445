import type { TestingModule } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ObjectStorage } from '@genbot/storage';
import { createIntegrationModule, uniqueTelegramId } from '@genbot/testing';
import { GenerationsJobsModule } from '../generations.module';
import { CleanupService } from './cleanup.service';
import { GenerationRunner } from './generation-runner.service';

describe('hourly cleanup and the minute sweep', () => {
  let moduleRef: TestingModule;
  let db: DataSource;
  let storage: ObjectStorage;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-cleanup-'));
    moduleRef = await createIntegrationModule([GenerationsJobsModule], { DATA_DIR: dataDir, FILE_URL_SECRET: 'c'.repeat(40) });
    db = moduleRef.get(DataSource);
    storage = moduleRef.get(ObjectStorage);
  });
  afterAll(async () => {
    await moduleRef.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function newUser(): Promise<string> {
    const [row] = await db.query(`INSERT INTO users (telegram_id, referral_code) VALUES ($1, substr(md5(random()::text), 1, 12)) RETURNING id`, [uniqueTelegramId()]);
    return row.id;
  }

  it('removes unconfirmed uploads and results past retention, from storage and the database, and keeps the rest', async () => {
    const userId = await newUser();
    const keys = ['stale-upload', 'fresh-upload', 'old-result', 'new-result'].map((name) => `users/${userId}/inputs/${name}.txt`);
    for (const key of keys) await storage.put(key, Buffer.from('hello'), { contentType: 'text/plain' });
    await db.query(
      `INSERT INTO data_objects (user_id, type, storage_key, content_type, status, expires_at) VALUES
         ($1, 'text', $2, 'text/plain', 'pending', now() - interval '1 minute'),
         ($1, 'text', $3, 'text/plain', 'pending', now() + interval '1 hour')`,
      [userId, keys[0], keys[1]],
    );
    const [model] = await db.query(`SELECT id FROM models WHERE slug = 'local-text-to-image'`);
    const [generation] = await db.query(
      `INSERT INTO generations (user_id, model_id, mode, status, price_credits, source) VALUES ($1, $2, 't2i', 'succeeded', 0, 'miniapp') RETURNING id`,
      [userId, model.id],
    );
    await db.query(
      `INSERT INTO generation_results (generation_id, idx, storage_key, content_type, size_bytes, expires_at) VALUES
         ($1, 0, $2, 'text/plain', 5, now() - interval '1 day'), ($1, 1, $3, 'text/plain', 5, now() + interval '1 day')`,
      [generation.id, keys[2], keys[3]],
    );

    const removed = await moduleRef.get(CleanupService).run();
    expect(removed.uploads).toBeGreaterThanOrEqual(1);
    expect(removed.results).toBeGreaterThanOrEqual(1);
    expect(await Promise.all(keys.map(async (key) => (await storage.head(key)) !== undefined))).toEqual([false, true, false, true]);
    expect((await db.query(`SELECT storage_key FROM data_objects WHERE user_id = $1`, [userId])).map((r: { storage_key: string }) => r.storage_key)).toEqual([keys[1]]);
    expect((await db.query(`SELECT idx FROM generation_results WHERE generation_id = $1`, [generation.id])).map((r: { idx: number }) => r.idx)).toEqual([1]);
  });

  it('fails a running generation whose deadline passed long ago (its polling was lost)', async () => {
    const userId = await newUser();
    const [model] = await db.query(`SELECT id FROM models WHERE slug = 'local-text-to-image'`);
    const [generation] = await db.query(
      `INSERT INTO generations (user_id, model_id, mode, status, price_credits, source, external_id, started_at, deadline_at)
       VALUES ($1, $2, 't2i', 'running', 0, 'miniapp', 'x', now() - interval '1 hour', now() - interval '10 minutes') RETURNING id`,
      [userId, model.id],
    );
    const swept = await moduleRef.get(GenerationRunner).sweep();
    expect(swept.timedOut).toBeGreaterThanOrEqual(1);
    const [after] = await db.query(`SELECT status, error FROM generations WHERE id = $1`, [generation.id]);
    expect(after).toEqual({ status: 'failed', error: 'the provider did not finish in time' });
  });
});

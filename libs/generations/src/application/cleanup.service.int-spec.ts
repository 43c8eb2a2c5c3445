import type { TestingModule } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { QUEUES, SettingsService } from '@genbot/core';
import { ObjectStorage } from '@genbot/storage';
import { createIntegrationModule, eventually, uniqueTelegramId } from '@genbot/testing';
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
    const [row] = await db.query(`INSERT INTO users (telegram_id, referral_code) VALUES ($1, substr(md5(random()::text), 1, 12)) RETURNING id`, [
      uniqueTelegramId(),
    ]);
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
    expect((await db.query(`SELECT storage_key FROM data_objects WHERE user_id = $1`, [userId])).map((r: { storage_key: string }) => r.storage_key)).toEqual([
      keys[1],
    ]);
    expect((await db.query(`SELECT idx FROM generation_results WHERE generation_id = $1`, [generation.id])).map((r: { idx: number }) => r.idx)).toEqual([1]);
  });

  async function localGeneration(
    userId: string,
    status: string,
    extra: { externalId?: string; inputs?: unknown[]; startedSecondsAgo?: number } = {},
  ): Promise<string> {
    const [model] = await db.query(`SELECT id FROM models WHERE slug = 'local-text-to-image'`);
    const [generation] = await db.query(
      `INSERT INTO generations (user_id, model_id, mode, status, prompt, options, inputs, price_credits, source, provider, provider_model, external_id, started_at, deadline_at)
       VALUES ($1, $2, 't2i', $3, 'a lighthouse', '{"size": "512*512"}', $4, 0, 'miniapp', 'local', 'local/text-to-image', $5,
               now() - make_interval(secs => $6), now() + interval '10 minutes') RETURNING id`,
      [userId, model.id, status, JSON.stringify(extra.inputs ?? []), extra.externalId ?? null, extra.startedSecondsAgo ?? 60],
    );
    return generation.id;
  }

  it('removes confirmed uploads past their expiry too, but not one a generation in progress still reads', async () => {
    const userId = await newUser();
    const keys = ['expired-ready', 'in-use-ready', 'fresh-ready'].map((name) => `users/${userId}/inputs/${name}.txt`);
    for (const key of keys) await storage.put(key, Buffer.from('hello'), { contentType: 'text/plain' });
    await db.query(
      `INSERT INTO data_objects (user_id, type, storage_key, content_type, status, expires_at, confirmed_at) VALUES
         ($1, 'text', $2, 'text/plain', 'ready', now() - interval '1 minute', now() - interval '8 days'),
         ($1, 'text', $3, 'text/plain', 'ready', now() - interval '1 minute', now() - interval '8 days'),
         ($1, 'text', $4, 'text/plain', 'ready', now() + interval '1 day', now())`,
      [userId, ...keys],
    );
    await localGeneration(userId, 'queued', { inputs: [{ type: 'image', storageKey: keys[1] }] });

    await moduleRef.get(CleanupService).run();
    expect(await Promise.all(keys.map(async (key) => (await storage.head(key)) !== undefined))).toEqual([false, true, true]);
    const left = (await db.query(`SELECT storage_key FROM data_objects WHERE user_id = $1 ORDER BY storage_key`, [userId])).map(
      (r: { storage_key: string }) => r.storage_key,
    );
    expect(left).toEqual([keys[2], keys[1]].sort());
  });

  it('keeps results for result_retention_days, not a fixed 30 days', async () => {
    const settings = moduleRef.get(SettingsService);
    await settings.set({ result_retention_days: 2 });
    try {
      const userId = await newUser();
      const keys = ['three-days', 'one-day'].map((name) => `users/${userId}/results/${name}.txt`);
      for (const key of keys) await storage.put(key, Buffer.from('hello'), { contentType: 'text/plain' });
      const generation = await localGeneration(userId, 'succeeded');
      // Stored when retention was 30 days: their expires_at says so, the setting now says 2.
      await db.query(
        `INSERT INTO generation_results (generation_id, idx, storage_key, content_type, size_bytes, created_at, expires_at) VALUES
           ($1, 0, $2, 'text/plain', 5, now() - interval '3 days', now() + interval '27 days'),
           ($1, 1, $3, 'text/plain', 5, now() - interval '1 day', now() + interval '29 days')`,
        [generation, ...keys],
      );
      await moduleRef.get(CleanupService).run();
      expect(await Promise.all(keys.map(async (key) => (await storage.head(key)) !== undefined))).toEqual([false, true]);
      expect((await db.query(`SELECT idx FROM generation_results WHERE generation_id = $1`, [generation])).map((r: { idx: number }) => r.idx)).toEqual([1]);

      // A result stored now expires by the setting too.
      const fresh = await localGeneration(userId, 'queued');
      await moduleRef.get(GenerationRunner).run(fresh);
      const [result] = await db.query(`SELECT extract(epoch FROM expires_at - created_at) / 86400 AS days FROM generation_results WHERE generation_id = $1`, [
        fresh,
      ]);
      expect(Math.round(Number(result.days))).toBe(2);
    } finally {
      await settings.set({ result_retention_days: 30 });
    }
  });

  it('resumes, within one sweep, a running generation whose jobs died with their worker', async () => {
    const userId = await newUser();
    // Submitted by a worker that died before the local provider stored anything: no job, no result.
    const orphan = await localGeneration(userId, 'running', { externalId: 'local-gone', startedSecondsAgo: 60 });
    // Still polled by a live chain: left alone.
    const polled = await localGeneration(userId, 'running', { externalId: 'local-polled', startedSecondsAgo: 60 });
    const queue = moduleRef.get<Queue>(getQueueToken(QUEUES.generations));
    const chain = await queue.add('generation.poll', { generationId: polled, attempt: 1 }, { jobId: `poll-${polled}-1`, delay: 600_000 });
    try {
      const swept = await moduleRef.get(GenerationRunner).sweep();
      expect(swept.resumed).toBeGreaterThanOrEqual(1);
      const done = await eventually(
        async () => (await db.query(`SELECT status, external_id, meta FROM generations WHERE id = $1`, [orphan]))[0],
        (g: { status: string }) => g.status !== 'running',
      );
      // The local provider had lost it: submitted again under the same generation.
      expect(done).toMatchObject({ status: 'succeeded', external_id: `local-${orphan}`, meta: { resubmits: 1 } });
      expect((await db.query(`SELECT status FROM generations WHERE id = $1`, [polled]))[0].status).toBe('running');
      expect((await queue.getJobs(['delayed', 'waiting', 'active'])).filter((job) => job?.data?.generationId === polled).map((job) => job.id)).toEqual([
        chain.id,
      ]);
    } finally {
      await chain.remove();
      await db.query(`UPDATE generations SET status = 'failed' WHERE id = $1`, [polled]);
    }
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

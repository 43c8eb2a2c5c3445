import type { TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BroadcastsModule, BroadcastsService } from '@genbot/broadcasts';
import { SettingsService } from '@genbot/core';
import { FakeTelegramApi, TEST_DATABASE_URL, TEST_REDIS_URL, createIntegrationModule, eventually, uniqueTelegramId } from '@genbot/testing';
import { WorkerProcess } from './worker-process';

/**
 * Issue 12: a worker SIGKILLed mid-broadcast, a second one finishes it. The fake Bot API counts
 * what each chat received: nobody twice, nobody left out, and every send whose answer died with
 * the worker counted as `failed: unknown` (exactly-once, the default), never sent again.
 */
describe('broadcast survives a worker crash', () => {
  let telegram: FakeTelegramApi;
  let context: TestingModule;
  let broadcasts: BroadcastsService;
  let db: DataSource;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start();
    // Sends take a while, as at Telegram, so some are on the wire when the worker dies.
    telegram.setLatency(30);
    // The admin API's side only: the broadcasts module without its processors; the work happens in the worker processes.
    context = await createIntegrationModule([BroadcastsModule], { BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot });
    broadcasts = context.get(BroadcastsService);
    db = context.get(DataSource);
    await context.get(SettingsService).set({ broadcast_rate_per_second: 150 });
  });
  afterAll(async () => {
    for (const worker of workers) await worker.kill();
    await context?.close();
    await telegram?.close();
  });

  it('kills the worker mid-run; the second one finishes with no duplicate and nobody lost', async () => {
    const source = `crash-${randomUUID().slice(0, 8)}`;
    const first = uniqueTelegramId();
    for (let i = 1; i < 600; i++) uniqueTelegramId();
    await db.query(
      `INSERT INTO users (telegram_id, referral_code, advertising_source) SELECT $1::bigint + g, 'c' || ($1::bigint + g)::text, $2 FROM generate_series(0, 599) g`,
      [first, source],
    );
    const env = {
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: TEST_REDIS_URL,
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      DATABASE_POOL_SIZE: '5',
    };
    const a = await WorkerProcess.start(env);
    workers.push(a);
    const { publicId } = await broadcasts.create({ text: 'crash test', filter: { kind: 'source', source } });
    await broadcasts.start(publicId);
    await eventually(
      async () => telegram.calls('sendMessage').length,
      (n) => n >= 150,
      30_000,
      5,
    );
    await a.kill();
    const atKill = telegram.calls('sendMessage').length;
    const b = await WorkerProcess.start(env);
    workers.push(b);

    const final = await eventually(
      () => broadcasts.get(publicId),
      (view) => view.status === 'completed',
      90_000,
      250,
    );
    const rows: { chat_id: string; status: string; error: string | null }[] = await db.query(
      `SELECT r.chat_id, r.status, r.error FROM broadcast_recipients r JOIN broadcasts b ON b.id = r.broadcast_id WHERE b.public_id = $1`,
      [publicId],
    );
    expect(rows).toHaveLength(600);
    expect(final).toMatchObject({ total: 600, pending: 0, blocked: 0 });
    // Zero duplicates: no chat got the message twice.
    const counts = [...telegram.deliveredCounts().values()];
    expect(counts.filter((n) => n > 1)).toEqual([]);
    // Zero lost: every recipient is final; each `sent` one got it, and only an unknown one may have got it unrecorded.
    for (const row of rows) {
      expect(['sent', 'failed']).toContain(row.status);
      if (row.status === 'sent') expect(telegram.deliveredTo(row.chat_id)).toBe(1);
      else expect(row.error).toBe('unknown');
    }
    const unknown = rows.filter((r) => r.status === 'failed').length;
    expect(final.sent).toBe(600 - unknown);
    expect(final.failed).toBe(unknown);
    // What the first worker had on the wire when it died, at most one lane batch per lane it ran.
    expect(unknown).toBeLessThanOrEqual(4 * 50);
    expect(atKill).toBeLessThan(600);
  }, 150_000);
});

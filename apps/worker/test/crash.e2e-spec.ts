import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { QUEUES } from '@genbot/core';
import { LedgerService, verifyLedger } from '@genbot/ledger';
import {
  FakeTelegramApi,
  FakeWavespeed,
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  eventually,
  freePort,
  signInitData,
  testConfig,
  uniqueTelegramId,
} from '@genbot/testing';
import { bootstrapPublicApi } from '../../public-api/src/bootstrap';
import { WorkerProcess } from './worker-process';

/**
 * DESIGN.md: a worker that dies mid-job loses nothing. Real worker processes take a batch of
 * generations (half free first tries, half paid, results to the chat); the first is SIGKILLed
 * while generations are in flight and a second one takes over. Every generation must succeed,
 * each paid one charged exactly once with no hold left open, each chat given its result once,
 * and the ledger must verify.
 */
describe('worker crash mid-generation', () => {
  const COUNT = 20;
  const RESULT_METHODS = ['sendPhoto', 'sendDocument', 'sendMediaGroup', 'sendVideo', 'sendAudio'];
  let telegram: FakeTelegramApi;
  let wavespeed: FakeWavespeed;
  let api: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  let db: DataSource;
  let queue: Queue;
  let dataDir: string;
  let workerEnv: Record<string, string>;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start();
    wavespeed = await FakeWavespeed.start();
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-crash-'));
    const port = await freePort();
    const shared = {
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      WAVESPEED_API_KEY: wavespeed.apiKey,
      WAVESPEED_BASE_URL: wavespeed.baseUrl,
      // One storage for the API and the workers, as one bucket would be.
      DATA_DIR: dataDir,
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      FILE_URL_SECRET: 'f'.repeat(40),
    };
    workerEnv = { ...shared, DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: TEST_REDIS_URL, DATABASE_POOL_SIZE: '5' };
    api = await bootstrapPublicApi(testConfig({ ...shared, PUBLIC_API_PORT: String(port) }), { port });
    http = request(api.getHttpServer());
    db = api.get(DataSource);
    queue = api.get<Queue>(getQueueToken(QUEUES.generations));
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.kill();
  });
  afterAll(async () => {
    await api?.close();
    await telegram.close();
    await wavespeed.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const asUser = (id: number) => ({ 'X-Telegram-Init-Data': signInitData(telegram.token, { user: { id, first_name: 'Crash', language_code: 'en' } }) });

  interface Submitted {
    id: string;
    telegramId: number;
    userId: string;
    paid: boolean;
    credits: number;
  }

  /** COUNT users, each submitting one generation to be delivered to their own chat; the second half paid. */
  async function submitBatch(model: string, extra: Record<string, unknown> = {}): Promise<Submitted[]> {
    const ledger = api.get(LedgerService);
    const batch: Submitted[] = [];
    for (let i = 0; i < COUNT; i++) {
      const telegramId = uniqueTelegramId();
      const { body: user } = await http.post('/api/v1/users/sync').set(asUser(telegramId)).send({}).expect(200);
      const paid = i >= COUNT / 2;
      const credits = paid ? 1000 : 0;
      if (paid) {
        await ledger.transfer({ idempotencyKey: randomUUID(), from: { system: 'purchases' }, to: { userId: user.id }, amount: credits, kind: 'purchase' });
        // The trial used up already, so this one is charged.
        await db.query(`INSERT INTO trial_uses (user_id, model_id, generation_id) SELECT $1, id, $2 FROM models WHERE slug = $3`, [
          user.id,
          randomUUID(),
          model,
        ]);
      }
      const { body } = await http
        .post('/api/v1/generations/submit')
        .set(asUser(telegramId))
        .send({ model_id: model, prompt: `crash test ${i}`, chat_id: telegramId, ...extra })
        .expect(201);
      batch.push({ id: body.id, telegramId, userId: user.id, paid, credits });
    }
    return batch;
  }

  const statuses = async (ids: string[]) =>
    (await db.query(`SELECT id, status, external_id, delivered_at, error FROM generations WHERE id = ANY($1)`, [ids])) as {
      id: string;
      status: string;
      external_id: string | null;
      delivered_at: Date | null;
      error: string | null;
    }[];

  /** Kills the first worker once `ready` says enough is in flight, starts the second, and sweeps until all are final. */
  async function crashAndRecover(ids: string[], ready: (rows: Awaited<ReturnType<typeof statuses>>) => boolean, afterKill?: () => void): Promise<number> {
    const first = await WorkerProcess.start(workerEnv);
    workers.push(first);
    const atKill = await eventually(() => statuses(ids), ready, 30_000, 25);
    await first.kill();
    const inFlight = atKill.filter((g) => g.status === 'queued' || g.status === 'running').length;
    afterKill?.();
    const second = await WorkerProcess.start(workerEnv);
    workers.push(second);
    // The minute sweep, sooner: nothing here waits for the clock but for the dead worker's locks.
    const sweeping = setInterval(() => void queue.add('generations.sweep', {}, { removeOnComplete: true, removeOnFail: true }).catch(() => undefined), 2000);
    try {
      await eventually(
        () => statuses(ids),
        (rows) => rows.every((g) => (g.status === 'succeeded' && g.delivered_at) || ['failed', 'cancelled'].includes(g.status)),
        55_000,
        250,
      );
    } finally {
      clearInterval(sweeping);
    }
    return inFlight;
  }

  async function expectEveryoneServedOnce(batch: Submitted[], price: number): Promise<void> {
    const rows = await statuses(batch.map((g) => g.id));
    expect(rows.filter((g) => g.status !== 'succeeded')).toEqual([]);
    const ledger = api.get(LedgerService);
    for (const g of batch) {
      const balance = await ledger.balance(g.userId);
      // Charged exactly once when paid, never when free; no hold left open either way.
      expect({ user: g.telegramId, ...balance }).toEqual({
        user: g.telegramId,
        balance: g.paid ? g.credits - price : 0,
        reserved: 0,
        available: g.paid ? g.credits - price : 0,
      });
      const results = telegram.sentTo(g.telegramId).filter((call) => RESULT_METHODS.includes(call.method));
      expect({ user: g.telegramId, results: results.length }).toEqual({ user: g.telegramId, results: 1 });
    }
    expect(await verifyLedger(db)).toBeUndefined();
  }

  it('loses nothing run by the local provider', async () => {
    const batch = await submitBatch('local-text-to-image', { size: '1024*1024' });
    const ids = batch.map((g) => g.id);
    const inFlight = await crashAndRecover(ids, (rows) => rows.filter((g) => g.status === 'running').length >= 3);
    expect(inFlight).toBeGreaterThan(0);
    await expectEveryoneServedOnce(batch, 5);
  }, 120_000);

  it('loses nothing at a remote provider, even jobs the provider forgot', async () => {
    wavespeed.reset();
    wavespeed.completeAfterPolls(3);
    const batch = await submitBatch('seedream-v4');
    const ids = batch.map((g) => g.id);
    let forgotten = 0;
    let seen = 0;
    const inFlight = await crashAndRecover(
      ids,
      (rows) => rows.filter((g) => g.status === 'running' && g.external_id).length >= COUNT / 2,
      // Half the jobs vanish at the provider too: their next poll answers 404.
      () => (forgotten = wavespeed.forget(() => seen++ % 2 === 0)),
    );
    expect(inFlight).toBeGreaterThan(0);
    expect(forgotten).toBeGreaterThan(0);
    await expectEveryoneServedOnce(batch, 27);
    // The forgotten ones were submitted again: more submits than generations.
    expect(wavespeed.calls('submit').length).toBeGreaterThan(COUNT);
  }, 120_000);
});

import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue, QueueEvents } from 'bullmq';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { QUEUES } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { TEST_REDIS_URL, backdateHold, eventually, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapWorker } from '../src/bootstrap';

describe('worker', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await bootstrapWorker(testConfig(), { port: 0 });
  });
  afterAll(() => app.close());

  it('reports liveness and readiness against PostgreSQL and Redis', async () => {
    const http = request(app.getHttpServer());
    expect((await http.get('/health').expect(200)).text).toBe('OK');
    expect((await http.get('/health/ready').expect(200)).body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
  });

  it('schedules hold expiry and its processor voids expired holds', async () => {
    const queue = app.get<Queue>(getQueueToken(QUEUES.ledger));
    const schedulers = await eventually(
      async () => (await queue.getJobSchedulers()).filter((s) => s.key === 'ledger.expire-holds'),
      (found) => found.length > 0,
      5000,
      50,
    );
    expect(schedulers[0]).toMatchObject({ key: 'ledger.expire-holds', every: 30_000 });

    // The worker has no users module; a user row is all the ledger needs (its account comes with it).
    const [user]: { id: string }[] = await app
      .get(DataSource)
      .query(`INSERT INTO users (telegram_id, referral_code) VALUES ($1, $2) RETURNING id`, [uniqueTelegramId(), randomUUID().slice(0, 12)]);
    const ledger = app.get(LedgerService);
    await ledger.transfer({ idempotencyKey: randomUUID(), from: { system: 'promotions' }, to: { userId: user.id }, amount: 10, kind: 'promo' });
    const { hold } = await ledger.reserve({ idempotencyKey: randomUUID(), userId: user.id, amount: 7, ttlSeconds: 3600 });
    expect(await ledger.balance(user.id)).toMatchObject({ reserved: 7, available: 3 });
    // Backdated rather than waited for: the hold's timeout is what the processor reads.
    await backdateHold(app.get(DataSource), hold.id);

    // Run one tick now rather than waiting for the 30 s schedule. Workers of other suites share the
    // queue and may take this tick or an earlier one: whichever runs, the hold must end voided.
    const events = new QueueEvents(QUEUES.ledger, { connection: { url: TEST_REDIS_URL }, prefix: 'genbot' });
    await events.waitUntilReady();
    try {
      const job = await queue.add('ledger.expire-holds', {});
      await job.waitUntilFinished(events, 10_000);
    } finally {
      await events.close();
    }
    expect(await ledger.balance(user.id)).toEqual({ balance: 10, reserved: 0, available: 10 });
  });
});

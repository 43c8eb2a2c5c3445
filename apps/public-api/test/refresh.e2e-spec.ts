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
import { LedgerService } from '@genbot/ledger';
import { FakeTelegramApi, FakeWavespeed, eventually, freePort, signInitData, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapWorker } from '../../worker/src/bootstrap';
import { bootstrapPublicApi } from '../src/bootstrap';

/** Issue 11: refresh is one immediate poll, never a new polling chain, however often it is called. */
describe('POST /api/v1/generations/:id/refresh', () => {
  let telegram: FakeTelegramApi;
  let wavespeed: FakeWavespeed;
  let api: NestFastifyApplication;
  let worker: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  let queue: Queue;
  let dataDir: string;

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start();
    wavespeed = await FakeWavespeed.start();
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-refresh-'));
    const port = await freePort();
    const config = testConfig({
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      WAVESPEED_API_KEY: wavespeed.apiKey,
      WAVESPEED_BASE_URL: wavespeed.baseUrl,
      DATA_DIR: dataDir,
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      FILE_URL_SECRET: 'f'.repeat(40),
    });
    api = await bootstrapPublicApi(config, { port });
    worker = await bootstrapWorker(config, { port: 0 });
    http = request(api.getHttpServer());
    queue = api.get<Queue>(getQueueToken(QUEUES.generations));
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await telegram.close();
    await wavespeed.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const asUser = (id: number) => ({ 'X-Telegram-Init-Data': signInitData(telegram.token, { user: { id, first_name: 'Refresh', language_code: 'en' } }) });
  const pollsOf = (externalId: string) => wavespeed.calls('poll').filter((call) => call.path.includes(externalId)).length;
  const jobsOf = async (generationId: string, states: ('delayed' | 'waiting' | 'active')[]) =>
    (await queue.getJobs(states)).filter((job) => job?.data?.generationId === generationId);

  it('20 refreshes at once poll the provider once more and schedule nothing after', async () => {
    wavespeed.completeAfterPolls(1000); // still processing throughout
    const telegramId = uniqueTelegramId();
    const { body: user } = await http.post('/api/v1/users/sync').set(asUser(telegramId)).send({}).expect(200);
    await api
      .get(LedgerService)
      .transfer({ idempotencyKey: randomUUID(), from: { system: 'purchases' }, to: { userId: user.id }, amount: 100, kind: 'purchase' });
    const { body: submitted } = await http
      .post('/api/v1/generations/submit')
      .set(asUser(telegramId))
      .send({ model_id: 'seedream-v4', prompt: 'slow fox' })
      .expect(201);
    const db = api.get(DataSource);
    const [running] = await eventually<{ external_id: string }[]>(
      () => db.query(`SELECT external_id FROM generations WHERE id = $1 AND status = 'running' AND external_id IS NOT NULL`, [submitted.id]),
      (rows) => rows.length === 1,
    );
    const externalId = running.external_id;
    // Stop the generation's own chain, so every poll from here on is a refresh's.
    const chain = await eventually(
      () => jobsOf(submitted.id, ['delayed', 'waiting']),
      (jobs) => jobs.length > 0,
    );
    for (const job of chain) await job.remove();
    await eventually(
      () => jobsOf(submitted.id, ['active']),
      (jobs) => jobs.length === 0,
    );
    const before = pollsOf(externalId);

    const answers = await Promise.all(Array.from({ length: 20 }, () => http.post(`/api/v1/generations/${submitted.id}/refresh`).set(asUser(telegramId))));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(answers[0].body).toMatchObject({ status: 'running' });

    // The refresh job runs once and is gone; no poll job follows it.
    const refreshJobs = () => jobsOf(submitted.id, ['delayed', 'waiting', 'active']);
    await eventually(
      () => Promise.resolve(pollsOf(externalId)),
      (n) => n > before,
    );
    await eventually(refreshJobs, (jobs) => jobs.length === 0);
    const after = pollsOf(externalId);
    expect(after - before).toBe(1);
    expect(await refreshJobs()).toEqual([]);

    // A refresh once the last one's window has passed is a new look, again without a chain.
    await eventually(
      async () => {
        await http.post(`/api/v1/generations/${submitted.id}/refresh`).set(asUser(telegramId)).expect(200);
        return pollsOf(externalId);
      },
      (n) => n > after,
      10_000,
      500,
    );
    await eventually(refreshJobs, (jobs) => jobs.length === 0);
    expect(pollsOf(externalId)).toBe(after + 1);
  });
});

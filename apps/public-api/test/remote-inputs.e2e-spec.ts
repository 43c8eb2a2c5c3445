import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppConfig, QUEUES } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { FakeImageHost, FakeWavespeed, TEST_API_KEY, eventually, freePort, signInitData, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapWorker } from '../../worker/src/bootstrap';
import { bootstrapPublicApi } from '../src/bootstrap';

/**
 * URLs clients give (Mini App image_urls / image_url, service jobs' url inputs) are fetched once,
 * at submit, by the safe downloader into storage; the worker reads storage only. `localhost` is
 * the allow-listed development host here (plain http, loopback); 127.0.0.1 is the same server
 * under a name nobody allowed, i.e. what an attacker aims at.
 */
describe('remote inputs: fetched safely at submit, never by the worker', () => {
  const BOT_TOKEN = '123456:remote-inputs-test-token-abcdefghij';
  let host: FakeImageHost;
  let wavespeed: FakeWavespeed;
  let config: AppConfig;
  let api: NestFastifyApplication;
  let worker: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  let dataDir: string;

  beforeAll(async () => {
    host = await FakeImageHost.start({
      image: await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 20, g: 120, b: 200 } } })
        .jpeg()
        .toBuffer(),
    });
    wavespeed = await FakeWavespeed.start();
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-remote-'));
    const port = await freePort();
    config = testConfig({
      BOT_TOKEN,
      DATA_DIR: dataDir,
      PUBLIC_API_PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      FILE_URL_SECRET: 'r'.repeat(40),
      UPLOAD_MAX_BYTES: String(64 * 1024),
      WAVESPEED_API_KEY: wavespeed.apiKey,
      WAVESPEED_BASE_URL: wavespeed.baseUrl,
      DOWNLOAD_ALLOW_HTTP_HOSTS: 'localhost',
    });
    api = await bootstrapPublicApi(config, { port });
    worker = await bootstrapWorker(config, { port: 0 });
    http = request(api.getHttpServer());
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await host.close();
    await wavespeed.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const asUser = (id: number) => ({ 'X-Telegram-Init-Data': signInitData(BOT_TOKEN, { user: { id, first_name: 'Remote', language_code: 'en' } }) });
  const service = (req: request.Test) => req.set('X-API-Key', TEST_API_KEY);
  const good = () => host.url('/image.png', 'localhost');
  const attacks = () => [
    host.url('/image.png'), // loopback by IP, plain http
    host.url('/image.png').replace('http:', 'https:'), // loopback over https
    'https://169.254.169.254/latest/meta-data/',
    host.url(`/redirect?to=${encodeURIComponent(host.url('/image.png'))}`, 'localhost'), // an allowed host bouncing to loopback
    host.url('/page.html', 'localhost'), // answers, but not an image
    host.url('/status/404', 'localhost'),
    'http://localhost:1/closed-port.png',
  ];

  async function newUser(credits: number, opts: { trial?: boolean } = {}): Promise<{ telegramId: number; userId: string }> {
    const telegramId = uniqueTelegramId();
    const { body } = await http.post('/api/v1/users/sync').set(asUser(telegramId)).send({}).expect(200);
    if (credits > 0)
      await api
        .get(LedgerService)
        .transfer({ idempotencyKey: randomUUID(), from: { system: 'purchases' }, to: { userId: body.id }, amount: credits, kind: 'purchase' });
    if (!opts.trial)
      await api
        .get(DataSource)
        .query(`INSERT INTO trial_uses (user_id, model_id, generation_id) SELECT $1, id, $2 FROM models WHERE slug = 'seedream-v4'`, [body.id, randomUUID()]);
    return { telegramId, userId: body.id };
  }
  const generationsOf = async (userId: string) =>
    Number((await api.get(DataSource).query(`SELECT count(*) FROM generations WHERE user_id = $1`, [userId]))[0].count);
  const transfersOf = async (userId: string) => (await service(http.get(`/api/v1/transactions?userId=${userId}`)).expect(200)).body as unknown[];
  const balanceOf = async (userId: string) => (await service(http.get(`/api/v1/users/${userId}/balance`)).expect(200)).body;

  it('refuses every SSRF attempt with the same 400 naming the field, recording and charging nothing', async () => {
    const { telegramId, userId } = await newUser(100);
    const loopbackRequests = () => host.requests.filter((r) => r.host?.startsWith('127.0.0.1')).length;
    const before = loopbackRequests();
    const bodies = [];
    for (const url of attacks()) {
      const res = await http
        .post('/api/v1/generations/submit')
        .set(asUser(telegramId))
        .send({ model_id: 'restore', image_urls: [url] })
        .expect(400);
      bodies.push(res.body);
    }
    // One answer whatever happened: refused address, redirect, 404, HTML, closed port. No scanner.
    for (const body of bodies)
      expect(body).toEqual({
        code: 'STORAGE_FETCH_FAILED',
        message: 'could not fetch the image',
        details: { fields: [{ field: 'image_urls[0]', problems: ['could not fetch the image'] }] },
      });
    // Numeric spellings of loopback are not even URLs to the validator; they fetch nothing either.
    const port = new URL(host.url('/')).port;
    for (const url of [`http://2130706433:${port}/image.png`, `https://0x7f.1:${port}/image.png`, `https://[::ffff:127.0.0.1]:${port}/image.png`]) {
      await http
        .post('/api/v1/generations/submit')
        .set(asUser(telegramId))
        .send({ model_id: 'restore', image_urls: [url] })
        .expect(400);
    }
    expect(loopbackRequests()).toBe(before);
    expect(await generationsOf(userId)).toBe(0);
    expect(await transfersOf(userId)).toHaveLength(1); // the purchase, nothing since
    expect(await balanceOf(userId)).toEqual({ balanceTokens: 100, available: 100, reserved: 0 });
  });

  it('names the failing URL among several', async () => {
    const { telegramId } = await newUser(100);
    const res = await http
      .post('/api/v1/generations/submit')
      .set(asUser(telegramId))
      .send({ model_id: 'seedream-v4', prompt: 'both', image_urls: [good(), host.url('/page.html', 'localhost')] })
      .expect(400);
    expect(res.body.details.fields).toEqual([{ field: 'image_urls[1]', problems: ['could not fetch the image'] }]);
  });

  it('refuses strings that are not absolute URLs with 400', async () => {
    const { telegramId } = await newUser(100);
    for (const url of ['abc', '/image.png', 'localhost/image.png']) {
      const res = await http
        .post('/api/v1/generations/submit')
        .set(asUser(telegramId))
        .send({ model_id: 'restore', image_urls: [url] })
        .expect(400);
      expect(res.body.details.fields[0].field).toMatch(/^image_urls/);
    }
    const tool = await http.post('/api/v1/tools/restore').set(asUser(telegramId)).send({ image_url: 'abc' }).expect(400);
    expect(tool.body.details.fields[0].field).toBe('image_url');
  });

  it('keeps the free trial when the fetch fails, so it cannot be spent probing', async () => {
    const { telegramId, userId } = await newUser(0, { trial: true });
    const res = await http
      .post('/api/v1/generations/submit')
      .set(asUser(telegramId))
      .send({ model_id: 'animate-drawing', image_urls: [host.url('/image.png')] })
      .expect(400);
    expect(res.body.code).toBe('STORAGE_FETCH_FAILED');
    expect((await http.get(`/api/v1/users/${telegramId}/trial`).set(asUser(telegramId)).expect(200)).body.available).toBe(true);
    expect(await generationsOf(userId)).toBe(0);
  });

  it('does not download for a request it refuses anyway: 402, unknown model', async () => {
    const { telegramId } = await newUser(0);
    const before = host.requestsTo('/image.png?why=').length;
    const poor = await http
      .post('/api/v1/generations/submit')
      .set(asUser(telegramId))
      .send({ model_id: 'restore', image_urls: [host.url('/image.png?why=poor', 'localhost')] })
      .expect(402);
    expect(poor.body.code).toBe('LEDGER_INSUFFICIENT_CREDITS');
    await http
      .post('/api/v1/generations/submit')
      .set(asUser(telegramId))
      .send({ model_id: 'no-such-model', image_urls: [host.url('/image.png?why=model', 'localhost')] })
      .expect(404);
    expect(host.requestsTo('/image.png?why=').length).toBe(before);
  });

  it('fetches a good URL once at submit into storage; the worker reads storage only', async () => {
    const { telegramId, userId } = await newUser(20);
    const url = host.url('/image.png?once=1', 'localhost');
    const res = await http.post('/api/v1/tools/restore').set(asUser(telegramId)).send({ image_url: url }).expect(201);
    const [row] = await api.get(DataSource).query(`SELECT inputs FROM generations WHERE id = $1`, [res.body.id]);
    expect(row.inputs).toEqual([{ type: 'image', url, dataId: expect.any(String), storageKey: expect.any(String), contentType: 'image/jpeg' }]);
    const done = await eventually(
      async () => (await http.get(`/api/v1/generations/${res.body.id}`).set(asUser(telegramId)).expect(200)).body,
      (g) => ['succeeded', 'failed'].includes(g.status),
    );
    expect(done).toMatchObject({ status: 'succeeded', error: null });
    expect(host.requestsTo('/image.png?once=1')).toHaveLength(1);
    expect(await balanceOf(userId)).toEqual({ balanceTokens: 0, available: 0, reserved: 0 });
  });

  it('checks service jobs the same way, naming input[i].url, and echoes the URL of a good input', async () => {
    const userId = (
      await service(http.post('/api/v1/users/register-or-login'))
        .send({ telegramId: String(uniqueTelegramId()) })
        .expect(200)
    ).body.id;
    await api.get(LedgerService).transfer({ idempotencyKey: randomUUID(), from: { system: 'purchases' }, to: { userId }, amount: 40, kind: 'purchase' });
    for (const url of attacks().slice(0, 4)) {
      const res = await service(http.post('/api/v1/jobs'))
        .send({ userId, serviceType: 'restore', input: [{ type: 'image', url }] })
        .expect(400);
      expect(res.body).toEqual({
        code: 'STORAGE_FETCH_FAILED',
        message: 'could not fetch the image',
        details: { fields: [{ field: 'input[0].url', problems: ['could not fetch the image'] }] },
      });
    }
    await service(http.post('/api/v1/jobs'))
      .send({ userId, serviceType: 'restore', input: [{ type: 'image', url: 'abc' }] })
      .expect(400);
    expect(await generationsOf(userId)).toBe(0);
    expect(await balanceOf(userId)).toEqual({ balanceTokens: 40, available: 40, reserved: 0 });

    const job = await service(http.post('/api/v1/jobs'))
      .send({ userId, serviceType: 'restore', input: [{ type: 'image', url: good() }] })
      .expect(201);
    expect(job.body.input).toEqual([{ type: 'image', url: good(), dataId: expect.any(String) }]);
    const finished = await eventually(
      async () => (await service(http.get(`/api/v1/jobs/${job.body.id}`)).expect(200)).body,
      (j) => ['done', 'failed'].includes(j.status),
    );
    expect(finished.status).toBe('done');
  });

  it('fails a generation recorded before submit-time fetching, whose input is still a client URL, without fetching it', async () => {
    const { userId } = await newUser(0);
    const url = host.url('/image.png?legacy=1', 'localhost');
    const db = api.get(DataSource);
    const [generation] = await db.query(
      `INSERT INTO generations (user_id, model_id, mode, status, inputs, price_credits, provider, provider_model, source)
       SELECT $1, id, 'tool', 'queued', $2, 0, provider, provider_model, 'service' FROM models WHERE slug = 'restore' RETURNING id`,
      [userId, JSON.stringify([{ type: 'image', url }])],
    );
    await api.get<Queue>(getQueueToken(QUEUES.generations)).add('generation.run', { generationId: generation.id }, { jobId: `run-${generation.id}` });
    const [done] = await eventually(
      () => db.query(`SELECT status, error FROM generations WHERE id = $1`, [generation.id]),
      (rows: { status: string }[]) => rows[0].status !== 'queued' && rows[0].status !== 'running',
    );
    expect(done).toEqual({ status: 'failed', error: 'could not fetch the image' });
    expect(host.requestsTo('/image.png?legacy=1')).toHaveLength(0);
  });
});

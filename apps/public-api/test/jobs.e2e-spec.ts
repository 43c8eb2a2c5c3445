import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { AppConfig } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { TEST_API_KEY, eventually, freePort, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapWorker } from '../../worker/src/bootstrap';
import { bootstrapPublicApi } from '../src/bootstrap';

/**
 * Seed 001's service flow (data → jobs) and seed 003's (a drawing in, several images out, one
 * credit), with no provider keys at all: the local provider does the work, as on `npm start`.
 */
describe('seed 001 data and jobs, with no provider keys', () => {
  let config: AppConfig;
  let api: NestFastifyApplication;
  let worker: NestFastifyApplication | undefined;
  let http: ReturnType<typeof request>;
  let dataDir: string;
  let photo: Buffer;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-jobs-'));
    const port = await freePort();
    config = testConfig({
      DATA_DIR: dataDir,
      PUBLIC_API_PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      FILE_URL_SECRET: 's'.repeat(40),
      UPLOAD_MAX_BYTES: String(256 * 1024),
    });
    api = await bootstrapPublicApi(config, { port });
    http = request(api.getHttpServer());
    photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 120, b: 40 } } })
      .jpeg()
      .toBuffer();
  });
  afterAll(async () => {
    await worker?.close();
    await api.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const service = (req: request.Test) => req.set('X-API-Key', TEST_API_KEY);
  async function newUser(credits: number): Promise<string> {
    const { body } = await service(http.post('/api/v1/users/register-or-login'))
      .send({ telegramId: String(uniqueTelegramId()) })
      .expect(200);
    if (credits > 0)
      await api
        .get(LedgerService)
        .transfer({ idempotencyKey: randomUUID(), from: { system: 'purchases' }, to: { userId: body.id }, amount: credits, kind: 'purchase' });
    return body.id;
  }
  const balance = async (userId: string) => (await service(http.get(`/api/v1/users/${userId}/balance`)).expect(200)).body;
  async function uploadPhoto(): Promise<string> {
    const presign = await service(http.post('/api/v1/data/presign')).send({ type: 'image', fileName: 'photo.jpg', contentType: 'image/jpeg' }).expect(200);
    expect(presign.body).toMatchObject({ dataId: expect.any(String), expiresInSeconds: 900 });
    const put = await fetch(presign.body.uploadUrl, { method: 'PUT', headers: { 'content-type': 'image/jpeg', ...presign.body.fields }, body: photo });
    expect(put.status).toBe(200);
    const confirmed = await service(http.post(`/api/v1/data/${presign.body.dataId}/confirm`)).expect(200);
    expect(confirmed.body).toMatchObject({ id: presign.body.dataId, type: 'image', expiredIn: expect.any(Number) });
    return presign.body.dataId;
  }

  it('uploads by multipart and refuses what is not an image, or too big', async () => {
    const ok = await service(http.post('/api/v1/data'))
      .field('type', 'image')
      .attach('file', photo, { filename: 'p.jpg', contentType: 'image/jpeg' })
      .expect(201);
    expect(ok.body).toMatchObject({ type: 'image', s3Url: expect.stringContaining('/files/') });
    expect(ok.body).not.toHaveProperty('publicS3Url'); // local disk has no public URL
    expect((await fetch(ok.body.s3Url)).status).toBe(200);
    await service(http.post('/api/v1/data')).field('type', 'video').attach('file', photo, { filename: 'p.mp4', contentType: 'video/mp4' }).expect(415);
    await service(http.post('/api/v1/data'))
      .field('type', 'image')
      .attach('file', Buffer.alloc(300 * 1024, 1), { filename: 'big.jpg', contentType: 'image/jpeg' })
      .expect(413);
    await service(http.post('/api/v1/data')).field('type', 'nope').attach('file', photo, { filename: 'p.jpg', contentType: 'image/jpeg' }).expect(400);
  });

  it('refuses a confirm before anything was uploaded, and bytes that do not match the declared type', async () => {
    const presign = await service(http.post('/api/v1/data/presign')).send({ type: 'image', fileName: 'a.png', contentType: 'image/png' }).expect(200);
    expect((await service(http.post(`/api/v1/data/${presign.body.dataId}/confirm`)).expect(409)).body.code).toBe('DATA_NOT_UPLOADED');
    await service(http.post('/api/v1/data/presign')).send({ type: 'image', fileName: 'a.mp4', contentType: 'video/mp4' }).expect(415);
    await service(http.post(`/api/v1/data/${randomUUID()}/confirm`)).expect(404);
  });

  it('parks a job it cannot pay as waiting_payment, and cancels a queued one returning its reserve', async () => {
    const poor = await newUser(5);
    const dataId = await uploadPhoto();
    const waiting = await service(http.post('/api/v1/jobs'))
      .send({ userId: poor, serviceType: 'restore', input: [{ type: 'image', dataId }] })
      .expect(201);
    expect(waiting.body).toMatchObject({ status: 'waiting_payment', tokensReserved: 0, serviceType: 'restore' });

    const rich = await newUser(100);
    const queued = await service(http.post('/api/v1/jobs'))
      .send({ userId: rich, serviceType: 'restore', input: [{ type: 'image', dataId }] })
      .expect(201);
    expect(queued.body).toMatchObject({ status: 'queued', tokensReserved: 20 });
    expect(await balance(rich)).toEqual({ balanceTokens: 100, available: 80, reserved: 20 });
    const cancelled = await service(http.post(`/api/v1/jobs/${queued.body.id}/cancel`)).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'failed', tokensReserved: 0, tokensConsumed: 0 });
    expect(await balance(rich)).toEqual({ balanceTokens: 100, available: 100, reserved: 0 });
    expect((await service(http.post(`/api/v1/jobs/${queued.body.id}/cancel`)).expect(409)).body.code).toBe('GENERATION_NOT_CANCELLABLE');
  });

  it('refuses animate with 503 while no video provider is configured', async () => {
    const userId = await newUser(500);
    const res = await service(http.post('/api/v1/jobs'))
      .send({ userId, serviceType: 'animate', input: [{ type: 'image', dataId: await uploadPhoto() }] })
      .expect(503);
    expect(res.body.code).toBe('GENERATION_PROVIDER_UNAVAILABLE');
    expect((await balance(userId)).reserved).toBe(0);
  });

  describe('with a worker', () => {
    beforeAll(async () => {
      worker = await bootstrapWorker(config, { port: 0 });
    });

    const done = (jobId: string) =>
      eventually(
        async () => (await service(http.get(`/api/v1/jobs/${jobId}`)).expect(200)).body,
        (job) => ['done', 'failed'].includes(job.status),
        30_000,
      );

    it('restores a photo on the local provider, charges once, and lists the job', async () => {
      const userId = await newUser(20);
      const job = await service(http.post('/api/v1/jobs'))
        .set('Idempotency-Key', `restore-${userId}`)
        .send({ userId, serviceType: 'restore', description: 'grandma', input: [{ type: 'image', dataId: await uploadPhoto() }] })
        .expect(201);
      const again = await service(http.post('/api/v1/jobs'))
        .set('Idempotency-Key', `restore-${userId}`)
        .send({ userId, serviceType: 'restore', description: 'grandma', input: [{ type: 'image', dataId: job.body.input[0].dataId }] })
        .expect(201);
      expect(again.body.id).toBe(job.body.id);
      const finished = await done(job.body.id);
      expect(finished).toMatchObject({ status: 'done', progress: 100, tokensConsumed: 20, tokensReserved: 0, output: [{ type: 'image' }] });
      const result = await fetch(finished.resultUrl);
      expect(result.status).toBe(200);
      const meta = await sharp(Buffer.from(await result.arrayBuffer())).metadata();
      expect([meta.width, meta.height]).toEqual([64, 48]);
      expect(await balance(userId)).toEqual({ balanceTokens: 0, available: 0, reserved: 0 });
      const list = (await service(http.get(`/api/v1/jobs?userId=${userId}`)).expect(200)).body;
      expect(list.map((j: { id: string }) => j.id)).toEqual([job.body.id]);
    });

    it('turns one drawing into several images: the first free, then one credit each (seed 003)', async () => {
      const userId = await newUser(1);
      const drawing = await service(http.post('/api/v1/data'))
        .field('type', 'image')
        .attach('file', photo, { filename: 'drawing.jpg', contentType: 'image/jpeg' })
        .expect(201);
      const input = [{ type: 'image', dataId: drawing.body.id }];
      const free = await done((await service(http.post('/api/v1/jobs')).send({ userId, serviceType: 'drawing', input }).expect(201)).body.id);
      expect(free).toMatchObject({ status: 'done', tokensConsumed: 0, meta: { trial: true, serviceType: 'drawing' } });
      expect(free.output).toHaveLength(4);
      expect(await balance(userId)).toEqual({ balanceTokens: 1, available: 1, reserved: 0 });

      const paid = await done((await service(http.post('/api/v1/jobs')).send({ userId, serviceType: 'drawing', input }).expect(201)).body.id);
      expect(paid).toMatchObject({ status: 'done', tokensConsumed: 1 });
      expect(paid.output).toHaveLength(4);
      expect(await balance(userId)).toEqual({ balanceTokens: 0, available: 0, reserved: 0 });
      const third = await service(http.post('/api/v1/jobs')).send({ userId, serviceType: 'drawing', input }).expect(201);
      expect(third.body.status).toBe('waiting_payment');
    });

    it('answers 400 or 404 for bad ids and input, never 500', async () => {
      await service(http.get('/api/v1/jobs/not-a-uuid')).expect(400);
      await service(http.get(`/api/v1/jobs/${randomUUID()}`)).expect(404);
      await service(http.get('/api/v1/jobs?userId=nope')).expect(400);
      const userId = await newUser(0);
      await service(http.post('/api/v1/jobs'))
        .send({ userId, serviceType: 'paint', input: [{ type: 'image', url: 'https://example.com/a.png' }] })
        .expect(400);
      await service(http.post('/api/v1/jobs')).send({ userId, serviceType: 'restore', input: [] }).expect(400);
      await service(http.post('/api/v1/jobs'))
        .send({ userId, serviceType: 'restore', input: [{ type: 'image' }] })
        .expect(400);
      await service(http.post('/api/v1/jobs'))
        .send({ userId, serviceType: 'restore', input: [{ type: 'image', dataId: randomUUID() }] })
        .expect(404);
    });
  });
});

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { PaymentsService } from '@genbot/payments';
import { FakeYooKassa, TEST_API_KEY, freePort, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapPublicApi } from '../src/bootstrap';

/** Seed 001: a job parked as waiting_payment starts once a payment covers it, and fails when none comes in time. */
describe('public-api: jobs waiting for a payment', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  let yookassa: FakeYooKassa;
  let dataDir: string;
  let base: string;

  beforeAll(async () => {
    yookassa = await FakeYooKassa.start();
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-paywait-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await bootstrapPublicApi(
      testConfig({ ...yookassa.env, DATA_DIR: dataDir, PUBLIC_API_PORT: String(port), PUBLIC_BASE_URL: base, FILE_URL_SECRET: 'p'.repeat(40) }),
      { port },
    );
    http = request(app.getHttpServer());
  });
  afterAll(async () => {
    await app.close();
    await yookassa.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const service = (req: request.Test) => req.set('X-API-Key', TEST_API_KEY);
  const newUser = async () => {
    const { body } = await service(http.post('/api/v1/users/register-or-login'))
      .send({ telegramId: String(uniqueTelegramId()) })
      .expect(200);
    if (body.balanceTokens > 0)
      await service(http.post('/api/v1/credits/spend')).send({ userId: body.id, amount: body.balanceTokens, reason: 'reset' }).expect(200);
    return body.id as string;
  };
  const uploadPhoto = async () => {
    const photo = await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 1, g: 2, b: 3 } } })
      .jpeg()
      .toBuffer();
    const presign = await service(http.post('/api/v1/data/presign')).send({ type: 'image', fileName: 'p.jpg', contentType: 'image/jpeg' }).expect(200);
    await fetch(presign.body.uploadUrl, { method: 'PUT', headers: { 'content-type': 'image/jpeg', ...presign.body.fields }, body: photo });
    await service(http.post(`/api/v1/data/${presign.body.dataId}/confirm`)).expect(200);
    return presign.body.dataId as string;
  };
  const parkedJob = async (userId: string) => {
    const job = await service(http.post('/api/v1/jobs'))
      .send({ userId, serviceType: 'restore', input: [{ type: 'image', dataId: await uploadPhoto() }] })
      .expect(201);
    expect(job.body.status).toBe('waiting_payment');
    return job.body.id as string;
  };
  const job = async (id: string) => (await service(http.get(`/api/v1/jobs/${id}`)).expect(200)).body;

  it('resumes the parked job once a payment covers its price', async () => {
    const userId = await newUser();
    const jobId = await parkedJob(userId);
    const intent = await service(http.post('/api/v1/payments/intents')).send({ userId, amountRub: 10 }).expect(201);
    yookassa.markSucceeded(intent.body.reference);
    await yookassa.sendNotification(`${base}/api/v1/webhooks/payments/yookassa`, 'payment.succeeded', intent.body.reference);
    expect(await job(jobId)).toMatchObject({ status: 'queued', tokensReserved: 20 });
    const balance = (await service(http.get(`/api/v1/users/${userId}/balance`)).expect(200)).body;
    expect(balance).toEqual({ balanceTokens: 100, available: 80, reserved: 20 });
  });

  it('fails a job parked longer than waiting_payment_timeout_minutes with its reason', async () => {
    const userId = await newUser();
    const jobId = await parkedJob(userId);
    await app.get(DataSource).query(`UPDATE generations SET created_at = now() - interval '2 hours' WHERE id = $1`, [jobId]);
    const report = await app.get(PaymentsService).reconcile();
    expect(report.waitingFailed).toContain(jobId);
    expect(await job(jobId)).toMatchObject({ status: 'failed', meta: expect.objectContaining({ error: 'payment not received in time' }) });
  });
});

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import sharp from 'sharp';
import request from 'supertest';
import { TEST_API_KEY, testConfig } from '@genbot/testing';
import { bootstrapPublicApi } from '../src/bootstrap';

const BUCKET = 'genbot-e2e';
const CDN = 'https://cdn.example.com/genbot';

/** Seed 001's `Data.publicS3Url`: filled when storage has a public base URL (S3_PUBLIC_BASE_URL). */
describe('seed 001 data on S3 with a public base URL', () => {
  let directory: string;
  let server: S3rver;
  let api: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  let photo: Buffer;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'genbot-s3rver-'));
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: BUCKET }] });
    const { port } = await server.run();
    api = await bootstrapPublicApi(
      testConfig({
        S3_ENDPOINT: `http://127.0.0.1:${port}`,
        S3_REGION: 'auto',
        S3_BUCKET: BUCKET,
        // s3rver's built-in account.
        S3_ACCESS_KEY_ID: 'S3RVER',
        S3_SECRET_ACCESS_KEY: 'S3RVER',
        S3_PUBLIC_BASE_URL: `${CDN}/`,
      }),
      { port: 0 },
    );
    http = request(api.getHttpServer());
    photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 10, g: 20, b: 30 } } })
      .jpeg()
      .toBuffer();
  });
  afterAll(async () => {
    await api?.close();
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  });

  const service = (req: request.Test) => req.set('X-API-Key', TEST_API_KEY);
  const publicUrl = new RegExp(`^${CDN.replace(/[./]/g, '\\$&')}/users/service/inputs/[0-9a-f-]{36}\\.jpg$`);

  it('answers a multipart upload with its public URL', async () => {
    const res = await service(http.post('/api/v1/data'))
      .field('type', 'image')
      .attach('file', photo, { filename: 'p.jpg', contentType: 'image/jpeg' })
      .expect(201);
    expect(res.body).toMatchObject({ type: 'image', publicS3Url: expect.stringMatching(publicUrl) });
  });

  it('answers a confirmed presigned upload with its public URL', async () => {
    const presign = await service(http.post('/api/v1/data/presign')).send({ type: 'image', fileName: 'p.jpg', contentType: 'image/jpeg' }).expect(200);
    const put = await fetch(presign.body.uploadUrl, { method: 'PUT', headers: presign.body.fields, body: photo });
    expect(put.status).toBe(200);
    const confirmed = await service(http.post(`/api/v1/data/${presign.body.dataId}/confirm`)).expect(200);
    expect(confirmed.body).toMatchObject({ id: presign.body.dataId, publicS3Url: expect.stringMatching(publicUrl) });
  });
});

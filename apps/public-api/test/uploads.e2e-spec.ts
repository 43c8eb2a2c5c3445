import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { TEST_API_KEY, freePort, signInitData, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapPublicApi } from '../src/bootstrap';

const BOT_TOKEN = '5551234567:AAH-uploads-test-token_00000000000000';
const MAX_BYTES = 64 * 1024;
const BOUNDARY = 'genbot-test-boundary';

/** A multipart body by hand, so a test can break it in ways no client library would. */
function multipart(parts: { name: string; value?: string; file?: Buffer; contentType?: string }[], opts: { close?: boolean } = {}): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = part.file ? `form-data; name="${part.name}"; filename="${part.name}.bin"` : `form-data; name="${part.name}"`;
    const headers = [`Content-Disposition: ${disposition}`, ...(part.contentType ? [`Content-Type: ${part.contentType}`] : [])];
    chunks.push(Buffer.from(`--${BOUNDARY}\r\n${headers.join('\r\n')}\r\n\r\n`), part.file ?? Buffer.from(part.value ?? ''), Buffer.from('\r\n'));
  }
  if (opts.close ?? true) chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

/**
 * Uploads through the API (Mini App media upload, seed 001's multipart /data): bad multipart is a
 * 4xx, the declared type yields to the bytes when it says nothing, and uploads stay their owner's.
 */
describe('public-api: uploads', () => {
  let api: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  let dataDir: string;
  let png: Buffer;
  let otherPng: Buffer;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-uploads-'));
    const port = await freePort();
    const config = testConfig({
      BOT_TOKEN,
      DATA_DIR: dataDir,
      PUBLIC_API_PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      FILE_URL_SECRET: 'u'.repeat(40),
      UPLOAD_MAX_BYTES: String(MAX_BYTES),
    });
    api = await bootstrapPublicApi(config, { port });
    http = request(api.getHttpServer());
    png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c83' } })
      .png()
      .toBuffer();
    otherPng = await sharp({ create: { width: 9, height: 9, channels: 3, background: '#38c' } })
      .png()
      .toBuffer();
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const asUser = (id: number) => ({ 'X-Telegram-Init-Data': signInitData(BOT_TOKEN, { user: { id, first_name: 'Up', language_code: 'en' } }) });
  async function newMiniAppUser(): Promise<{ telegramId: number; userId: string }> {
    const telegramId = uniqueTelegramId();
    const { body } = await http.post('/api/v1/users/sync').set(asUser(telegramId)).send({}).expect(200);
    return { telegramId, userId: body.id };
  }
  const service = (req: request.Test) => req.set('X-API-Key', TEST_API_KEY);
  const storedFiles = (userFolder: string) => {
    const dir = join(dataDir, 'storage', 'users', userFolder, 'inputs');
    return existsSync(dir) ? readdirSync(dir) : [];
  };

  /** Both multipart endpoints, each with a way to send a raw body as its caller. */
  const endpoints = [
    {
      name: 'POST /api/v1/media/upload (Mini App)',
      send: async (body: Buffer, contentType: string) => {
        const { telegramId } = await newMiniAppUser();
        return http.post('/api/v1/media/upload').set(asUser(telegramId)).set('Content-Type', contentType).send(body);
      },
      extra: [] as { name: string; value: string }[],
    },
    {
      name: 'POST /api/v1/data (service)',
      send: (body: Buffer, contentType: string) => service(http.post('/api/v1/data')).set('Content-Type', contentType).send(body),
      extra: [{ name: 'type', value: 'image' }],
    },
  ];

  describe.each(endpoints)('malformed multipart on $name', ({ send, extra }) => {
    const multipartType = `multipart/form-data; boundary=${BOUNDARY}`;

    it('answers 413 for too many fields', async () => {
      const fields = Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, value: 'x' }));
      const res = await send(multipart([...extra, ...fields, { name: 'file', file: png, contentType: 'image/png' }]), multipartType);
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ code: 'MULTIPART_TOO_MANY_PARTS', message: expect.any(String) });
    });

    it('answers 413 for a second file', async () => {
      const res = await send(
        multipart([...extra, { name: 'file', file: png, contentType: 'image/png' }, { name: 'file2', file: png, contentType: 'image/png' }]),
        multipartType,
      );
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('MULTIPART_TOO_MANY_PARTS');
    });

    it('answers 400 when the Content-Type has no boundary', async () => {
      const res = await send(multipart([...extra, { name: 'file', file: png, contentType: 'image/png' }]), 'multipart/form-data');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'MULTIPART_MALFORMED', message: expect.any(String) });
    });

    it('answers 400 for a body cut off before its closing boundary', async () => {
      const whole = multipart([...extra, { name: 'file', file: png, contentType: 'image/png' }], { close: false });
      for (const body of [whole, whole.subarray(0, whole.length - 40)]) {
        const res = await send(body, multipartType);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('MULTIPART_MALFORMED');
      }
    });
  });

  describe('declared type', () => {
    it.each(['application/octet-stream', 'binary/octet-stream', undefined])('takes PNG bytes declared %s as image/png', async (declared) => {
      const { telegramId } = await newMiniAppUser();
      const body = multipart([{ name: 'file', file: png, contentType: declared }]);
      const mini = await http
        .post('/api/v1/media/upload')
        .set(asUser(telegramId))
        .set('Content-Type', `multipart/form-data; boundary=${BOUNDARY}`)
        .send(body)
        .expect(201);
      expect(mini.body).toMatchObject({ id: expect.any(String), contentType: 'image/png', sizeBytes: png.length });

      const viaService = await service(http.post('/api/v1/data'))
        .field('type', 'image')
        .attach('file', png, { filename: 'x', contentType: declared ?? 'application/octet-stream' })
        .expect(201);
      expect(viaService.body).toMatchObject({ type: 'image', s3Url: expect.stringMatching(/\.png\?/) });
    });

    it('still refuses a specific declared type the bytes contradict', async () => {
      const { telegramId } = await newMiniAppUser();
      const res = await http
        .post('/api/v1/media/upload')
        .set(asUser(telegramId))
        .attach('file', png, { filename: 'x.jpg', contentType: 'audio/mpeg' })
        .expect(415);
      expect(res.body.code).toBe('STORAGE_UNSUPPORTED_TYPE');
      const octet = await http
        .post('/api/v1/media/upload')
        .set(asUser(telegramId))
        .attach('file', Buffer.from('%PDF-1.7\n\x00\x01'), { filename: 'x.pdf', contentType: 'application/octet-stream' })
        .expect(415);
      expect(octet.body.code).toBe('STORAGE_UNSUPPORTED_TYPE');
    });
  });

  describe('size cap while streaming', () => {
    it('answers 413 past UPLOAD_MAX_BYTES and leaves nothing in storage', async () => {
      const { telegramId, userId } = await newMiniAppUser();
      const big = Buffer.concat([png, Buffer.alloc(MAX_BYTES + 1024, 7)]);
      const res = await http
        .post('/api/v1/media/upload')
        .set(asUser(telegramId))
        .attach('file', big, { filename: 'big.png', contentType: 'image/png' })
        .expect(413);
      expect(res.body).toMatchObject({ code: 'STORAGE_TOO_LARGE', details: { maxBytes: MAX_BYTES } });
      expect(storedFiles(userId)).toEqual([]);
      // Exactly at the cap is fine.
      const atCap = Buffer.concat([png, Buffer.alloc(MAX_BYTES - png.length, 7)]);
      const ok = await http
        .post('/api/v1/media/upload')
        .set(asUser(telegramId))
        .attach('file', atCap, { filename: 'cap.png', contentType: 'image/png' })
        .expect(201);
      expect(ok.body.sizeBytes).toBe(MAX_BYTES);
      const back = await fetch(ok.body.url);
      expect(Buffer.from(await back.arrayBuffer())).toEqual(atCap);
    });
  });

  describe('ownership', () => {
    it('lets a Mini App user use only their own uploads', async () => {
      const alice = await newMiniAppUser();
      const bob = await newMiniAppUser();
      const upload = await http
        .post('/api/v1/media/upload')
        .set(asUser(alice.telegramId))
        .attach('file', png, { filename: 'a.png', contentType: 'image/png' })
        .expect(201);
      const theirs = await http.post('/api/v1/tools/restore').set(asUser(bob.telegramId)).send({ media_id: upload.body.id }).expect(403);
      expect(theirs.body.code).toBe('FORBIDDEN');

      // An upload by a service client has no owner; it is not a free-for-all for Mini App users.
      const serviceData = await service(http.post('/api/v1/data'))
        .field('type', 'image')
        .attach('file', png, { filename: 'p.png', contentType: 'image/png' })
        .expect(201);
      const unowned = await http
        .post('/api/v1/generations/submit')
        .set(asUser(bob.telegramId))
        .send({ model_id: 'seedream-v4', prompt: 'x', media_ids: [serviceData.body.id] })
        .expect(403);
      expect(unowned.body.code).toBe('FORBIDDEN');
    });
  });

  describe('presigned upload', () => {
    it('keeps the confirmed object immune to a second PUT through the same URL', async () => {
      const presign = await service(http.post('/api/v1/data/presign')).send({ type: 'image', fileName: 'p.png', contentType: 'image/png' }).expect(200);
      const put = (bytes: Buffer) => fetch(presign.body.uploadUrl, { method: 'PUT', headers: presign.body.fields, body: bytes });
      expect((await put(png)).status).toBe(200);
      const confirmed = await service(http.post(`/api/v1/data/${presign.body.dataId}/confirm`)).expect(200);

      const again = await put(otherPng);
      expect([200, 403, 409]).toContain(again.status);
      const served = await fetch(confirmed.body.s3Url);
      expect(served.status).toBe(200);
      expect(Buffer.from(await served.arrayBuffer())).toEqual(png);
      // A repeated confirm answers the same object, not the overwritten one.
      const twice = await service(http.post(`/api/v1/data/${presign.body.dataId}/confirm`)).expect(200);
      expect(Buffer.from(await (await fetch(twice.body.s3Url)).arrayBuffer())).toEqual(png);
    });
  });
});

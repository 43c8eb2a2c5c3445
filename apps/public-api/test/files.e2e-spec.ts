import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { CoreModule, createValidationPipe, ErrorBody, ErrorBodyFilter } from '@genbot/core';
import { FileUrlSigner, objectKey, ObjectStorage, STORAGE_ERROR_STATUSES, StorageModule } from '@genbot/storage';
import { testConfig } from '@genbot/testing';
import { FilesController } from '../src/http/files/files.controller';

const MAX_BYTES = 4096;

/**
 * createHttpApp's Fastify setup (error filter, validation pipe, no Nest body parser) plus the
 * pass-through parser for raw uploads that createHttpApp must register too. Booted on its own
 * until public-api registers FilesController and StorageModule; then this suite can switch to
 * bootstrapPublicApi.
 */
async function createFilesApp(dataDir: string): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: 1024 * 1024 });
  const leaveUnread = (_request: unknown, _payload: unknown, done: (error: Error | null, body?: unknown) => void) => done(null, undefined);
  adapter.getInstance().addContentTypeParser(/^(?:image|video|audio)\//, leaveUnread);
  adapter.getInstance().addContentTypeParser('text/plain', leaveUnread);
  const moduleRef = await Test.createTestingModule({
    imports: [CoreModule.forRoot(testConfig({ DATA_DIR: dataDir, UPLOAD_MAX_BYTES: String(MAX_BYTES) }), 'public-api'), StorageModule],
    controllers: [FilesController],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(adapter, { bodyParser: false, logger: false });
  app.useGlobalFilters(new ErrorBodyFilter([STORAGE_ERROR_STATUSES]));
  app.useGlobalPipes(createValidationPipe());
  await app.listen(0, '127.0.0.1');
  return app;
}

const errorOf = async (res: Response) => (await res.json()) as ErrorBody;

const png = () =>
  sharp({ create: { width: 4, height: 4, channels: 3, background: '#3a7' } })
    .png()
    .toBuffer();

describe('public-api: /files (signed URLs of the disk storage)', () => {
  let dataDir: string;
  let app: NestFastifyApplication;
  let storage: ObjectStorage;
  let signer: FileUrlSigner;
  let origin: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'genbot-files-'));
    app = await createFilesApp(dataDir);
    storage = app.get(ObjectStorage);
    signer = app.get(FileUrlSigner);
    origin = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The path and query of a presigned URL, sent to this test's app. */
  const local = (url: string) => {
    const parsed = new URL(url);
    return `${origin}${parsed.pathname}${parsed.search}`;
  };

  describe('GET', () => {
    it('streams the file for a valid signature', async () => {
      expect(storage.kind).toBe('disk');
      const key = objectKey('user-get', 'results', 'png');
      const bytes = await png();
      await storage.put(key, bytes, { contentType: 'image/png' });

      const url = await storage.presignGet(key, { expiresInSeconds: 120 });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/files\/users\/user-get\/results\/[\w-]+\.png\?expires=\d+&sig=[\w-]+$/);
      const res = await fetch(local(url));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('content-length')).toBe(String(bytes.length));
      expect(res.headers.get('cache-control')).toMatch(/^private, max-age=1[12]\d$/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    });

    it('answers 403 STORAGE_URL_EXPIRED for a genuine link past its time', async () => {
      const key = objectKey('user-get', 'results', 'png');
      await storage.put(key, await png(), { contentType: 'image/png' });
      const expires = Math.floor(Date.now() / 1000) - 5;
      const res = await fetch(`${origin}/files/${key}?expires=${expires}&sig=${signer.sign({ method: 'GET', key, expires })}`);
      expect(res.status).toBe(403);
      expect(await errorOf(res)).toEqual({ code: 'STORAGE_URL_EXPIRED', message: 'This file link has expired' });
    });

    it('answers 403 STORAGE_URL_INVALID for a tampered key, expiry or signature', async () => {
      const mine = objectKey('user-a', 'results', 'png');
      const theirs = objectKey('user-b', 'results', 'png');
      await storage.put(mine, await png(), { contentType: 'image/png' });
      await storage.put(theirs, await png(), { contentType: 'image/png' });
      const url = new URL(local(await storage.presignGet(mine, { expiresInSeconds: 60 })));
      const expires = Number(url.searchParams.get('expires'));

      const tampered = [
        `${origin}/files/${theirs}${url.search}`,
        `${origin}${url.pathname}?expires=${expires + 3600}&sig=${url.searchParams.get('sig')}`,
        `${origin}${url.pathname}?expires=${expires}&sig=${url.searchParams.get('sig')!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`,
        `${origin}${url.pathname}?expires=${expires}`,
        `${origin}${url.pathname}`,
      ];
      for (const link of tampered) {
        const res = await fetch(link);
        expect({ link, status: res.status, body: await errorOf(res) }).toEqual({
          link,
          status: 403,
          body: { code: 'STORAGE_URL_INVALID', message: 'This file link is not valid' },
        });
      }
      // A presigned PUT does not open the file for reading.
      const put = new URL((await storage.presignPut(mine, { contentType: 'image/png', expiresInSeconds: 60 })).url);
      expect((await fetch(`${origin}${put.pathname}${put.search}`)).status).toBe(403);
    });

    it('answers 404 STORAGE_NOT_FOUND for a valid link to a deleted file', async () => {
      const key = objectKey('user-get', 'results', 'png');
      await storage.put(key, await png(), { contentType: 'image/png' });
      const url = await storage.presignGet(key, { expiresInSeconds: 60 });
      await storage.delete(key);
      const res = await fetch(local(url));
      expect(res.status).toBe(404);
      expect((await errorOf(res)).code).toBe('STORAGE_NOT_FOUND');
    });
  });

  describe('PUT', () => {
    const upload = async (key: string, contentType: string, body: NonNullable<RequestInit['body']>, sentType = contentType, init: RequestInit = {}) => {
      const put = await storage.presignPut(key, { contentType, expiresInSeconds: 60 });
      return fetch(local(put.url), { method: 'PUT', headers: { ...put.headers, 'content-type': sentType }, body, ...init });
    };

    it('stores the bytes for a valid presigned PUT, readable through a signed GET', async () => {
      const key = objectKey('user-put', 'inputs', 'png');
      const bytes = await png();
      const res = await upload(key, 'image/png', bytes);
      expect(res.status).toBe(200);
      expect(await storage.head(key)).toMatchObject({ contentType: 'image/png', size: bytes.length });
      const back = await fetch(local(await storage.presignGet(key, { expiresInSeconds: 60 })));
      expect(Buffer.from(await back.arrayBuffer())).toEqual(bytes);

      const text = objectKey('user-put', 'inputs', 'txt');
      expect((await upload(text, 'text/plain', 'a prompt, кот')).status).toBe(200);
      expect(await storage.head(text)).toMatchObject({ contentType: 'text/plain', size: Buffer.byteLength('a prompt, кот') });
    });

    it('answers 403 when the Content-Type differs from the signed one', async () => {
      const key = objectKey('user-put', 'inputs', 'png');
      const res = await upload(key, 'image/png', await png(), 'image/jpeg');
      expect(res.status).toBe(403);
      expect((await errorOf(res)).code).toBe('STORAGE_URL_INVALID');
      expect(await storage.head(key)).toBeUndefined();
    });

    it('answers 413 STORAGE_TOO_LARGE past UPLOAD_MAX_BYTES, declared or streamed', async () => {
      const key = objectKey('user-put', 'inputs', 'png');
      const big = Buffer.concat([await png(), Buffer.alloc(MAX_BYTES)]);
      const declared = await upload(key, 'image/png', big);
      expect(declared.status).toBe(413);
      expect(await errorOf(declared)).toMatchObject({ code: 'STORAGE_TOO_LARGE', details: { maxBytes: MAX_BYTES } });

      // No Content-Length: the body is counted as it arrives.
      const chunked = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let offset = 0; offset < big.length; offset += 1024) controller.enqueue(big.subarray(offset, offset + 1024));
          controller.close();
        },
      });
      const streamed = await upload(key, 'image/png', chunked, 'image/png', { duplex: 'half' } as RequestInit);
      expect(streamed.status).toBe(413);
      expect((await errorOf(streamed)).code).toBe('STORAGE_TOO_LARGE');
      expect(await storage.head(key)).toBeUndefined();
    });

    it('answers 415 STORAGE_UNSUPPORTED_TYPE when the bytes are not what the type declares', async () => {
      const key = objectKey('user-put', 'inputs', 'mp4');
      const res = await upload(key, 'video/mp4', await png());
      expect(res.status).toBe(415);
      expect(await errorOf(res)).toMatchObject({ code: 'STORAGE_UNSUPPORTED_TYPE', details: { declaredType: 'video/mp4', detectedType: 'image/png' } });
      expect(await storage.head(key)).toBeUndefined();

      const pdf = await upload(objectKey('user-put', 'inputs', 'pdf'), 'application/pdf', '%PDF-1.7');
      expect(pdf.status).toBe(415);
    });
  });
});

import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AppConfig, DomainError } from '@genbot/core';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ObjectStorage } from '../application/object-storage';
import { objectKey } from '../domain/object-key';
import { createObjectStorage, StorageModule } from '../storage.module';
import { DiskStorageAdapter } from './disk-storage.adapter';
import { FileUrlSigner, verifyFileSignature } from './file-url-signer';
import { S3StorageAdapter } from './s3-storage.adapter';

const SECRET = 'disk-adapter-test-secret-0123456789abcdef';

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof DomainError ? error.code : String(error);
  }
}

describe('DiskStorageAdapter', () => {
  let dataDir: string;
  let storage: DiskStorageAdapter;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'genbot-disk-'));
    storage = new DiskStorageAdapter({ root: join(dataDir, 'storage'), baseUrl: 'https://api.example.com', signer: new FileUrlSigner(() => SECRET) });
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('puts, heads, streams and deletes an object', async () => {
    const key = objectKey('user-1', 'results', 'txt');
    const body = Buffer.from('hello, storage');
    await storage.put(key, body, { contentType: 'text/plain' });

    expect(await readFile(join(dataDir, 'storage', key))).toEqual(body);
    const info = await storage.head(key);
    expect(info).toMatchObject({ contentType: 'text/plain', size: body.length });
    expect(info!.lastModified.getTime()).toBeGreaterThan(Date.now() - 60_000);

    const object = await storage.stream(key);
    expect({ contentType: object.contentType, size: object.size }).toEqual({ contentType: 'text/plain', size: body.length });
    expect(await readAll(object.body)).toEqual(body);

    await storage.delete(key);
    expect(await storage.head(key)).toBeUndefined();
    expect(await codeOf(storage.stream(key))).toBe('STORAGE_NOT_FOUND');
    await storage.delete(key); // already gone: still fine
    expect(await readdir(join(dataDir, 'storage', 'users', 'user-1', 'results'))).toEqual([]);
  });

  it('reports a missing object as STORAGE_NOT_FOUND / undefined, a folder included', async () => {
    expect(await storage.head('users/nobody/inputs/x.png')).toBeUndefined();
    expect(await codeOf(storage.stream('users/nobody/inputs/x.png'))).toBe('STORAGE_NOT_FOUND');
    await storage.put('users/u/inputs/a.txt', Buffer.from('a'), { contentType: 'text/plain' });
    expect(await storage.head('users/u/inputs')).toBeUndefined();
    expect(await codeOf(storage.stream('users/u/inputs'))).toBe('STORAGE_NOT_FOUND');
  });

  it('refuses keys that climb out of the storage folder or reach its internals', async () => {
    for (const key of ['../outside.txt', 'users/../../outside.txt', '/etc/passwd', '.tmp/x', 'users/u/x.txt.meta.json', 'users\\..\\x']) {
      expect(await codeOf(storage.put(key, Buffer.from('x'), { contentType: 'text/plain' }))).toBe('STORAGE_KEY_INVALID');
      expect(await codeOf(storage.stream(key))).toBe('STORAGE_KEY_INVALID');
      expect(await codeOf(storage.presignGet(key, { expiresInSeconds: 60 }))).toBe('STORAGE_KEY_INVALID');
    }
    expect(existsSync(join(dataDir, 'outside.txt'))).toBe(false);
  });

  it('never shows a partial file under the final name, for a new object or a replaced one', async () => {
    const key = objectKey('user-2', 'results', 'bin');
    const file = join(dataDir, 'storage', key);
    const first = Buffer.alloc(16 * 1024 * 1024, 1);
    const second = Buffer.alloc(24 * 1024 * 1024, 2);
    const seen = new Set<number>();
    let writing = true;
    const watch = (async () => {
      while (writing) {
        const size = await stat(file).then(
          (s) => s.size,
          () => -1,
        );
        seen.add(size);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();

    await storage.put(key, first, { contentType: 'application/octet-stream' });
    await storage.put(key, second, { contentType: 'application/octet-stream' });
    writing = false;
    await watch;

    expect([...seen].every((size) => size === -1 || size === first.length || size === second.length)).toBe(true);
    expect((await stat(file)).size).toBe(second.length);
    expect(await readdir(join(dataDir, 'storage', '.tmp'))).toEqual([]);
  });

  it('streams a put of a known length, and refuses a stream that is short or long', async () => {
    const key = objectKey('user-1', 'inputs', 'txt');
    const bytes = Buffer.from('streamed, not buffered');
    await storage.putStream(key, Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]), { contentType: 'text/plain', size: bytes.length });
    expect(await storage.head(key)).toMatchObject({ contentType: 'text/plain', size: bytes.length });
    expect(await readAll((await storage.stream(key)).body)).toEqual(bytes);

    const short = objectKey('user-1', 'inputs', 'txt');
    await expect(storage.putStream(short, Readable.from([bytes]), { contentType: 'text/plain', size: bytes.length + 1 })).rejects.toThrow(/expected/);
    expect(await storage.head(short)).toBeUndefined();
    expect(await readdir(join(dataDir, 'storage', '.tmp'))).toEqual([]);
  });

  it('copies an object with its type; the copy does not follow later writes to the source', async () => {
    const from = objectKey('user-1', 'inputs', 'png');
    const to = objectKey('user-1', 'inputs', 'png');
    await storage.put(from, Buffer.from('first'), { contentType: 'image/png' });
    await storage.copy(from, to);
    await storage.put(from, Buffer.from('overwritten'), { contentType: 'image/png' });
    expect(await storage.head(to)).toMatchObject({ contentType: 'image/png', size: 5 });
    expect(await readAll((await storage.stream(to)).body)).toEqual(Buffer.from('first'));
    expect(await codeOf(storage.copy(objectKey('user-1', 'inputs', 'png'), objectKey('user-1', 'inputs', 'png')))).toBe('STORAGE_NOT_FOUND');
  });

  it('signs GET and PUT URLs for public-api /files, expiring and bound to the content type', async () => {
    const key = objectKey('user-3', 'inputs', 'png');
    const before = Math.floor(Date.now() / 1000);
    const put = await storage.presignPut(key, { contentType: 'image/png', expiresInSeconds: 300 });
    expect(put).toMatchObject({ method: 'PUT', headers: { 'content-type': 'image/png' }, expiresInSeconds: 300 });
    const putUrl = new URL(put.url);
    expect(`${putUrl.origin}${putUrl.pathname}`).toBe(`https://api.example.com/files/${key}`);
    const expires = Number(putUrl.searchParams.get('expires'));
    expect(expires - before).toBeGreaterThanOrEqual(300);
    expect(expires - before).toBeLessThanOrEqual(301);
    expect(() => verifyFileSignature(SECRET, { method: 'PUT', key, expires, contentType: 'image/png', sig: putUrl.searchParams.get('sig')! })).not.toThrow();

    const getUrl = new URL(await storage.presignGet(key, { expiresInSeconds: 60 }));
    const getClaims = { key, expires: Number(getUrl.searchParams.get('expires')), sig: getUrl.searchParams.get('sig')! };
    expect(() => verifyFileSignature(SECRET, { method: 'GET', ...getClaims })).not.toThrow();
    expect(() => verifyFileSignature(SECRET, { method: 'PUT', ...getClaims, contentType: 'image/png' })).toThrow('not valid');

    expect(storage.publicUrl()).toBeUndefined();
    await expect(storage.presignGet(key, { expiresInSeconds: 0 })).rejects.toThrow(RangeError);
  });
});

describe('createObjectStorage', () => {
  const load = (env: Record<string, string>) => AppConfig.load({ NODE_ENV: 'test', ...env }, { readDotenv: false, source: {} });
  const signer = () => new FileUrlSigner(() => SECRET);

  it('keeps files on disk under DATA_DIR/storage when no S3 variable is set, linking to public-api', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'genbot-disk-'));
    try {
      const storage = createObjectStorage(load({ DATA_DIR: dataDir, PUBLIC_API_PORT: '3999' }), signer());
      expect(storage.kind).toBe('disk');
      expect(await storage.presignGet('users/u/inputs/a.png', { expiresInSeconds: 60 })).toMatch(
        /^http:\/\/127\.0\.0\.1:3999\/files\/users\/u\/inputs\/a\.png\?expires=\d+&sig=[\w-]+$/,
      );
      await storage.put('users/u/inputs/a.txt', Buffer.from('a'), { contentType: 'text/plain' });
      expect(existsSync(join(dataDir, 'storage', 'users/u/inputs/a.txt'))).toBe(true);

      const behindProxy = createObjectStorage(load({ DATA_DIR: dataDir, PUBLIC_BASE_URL: 'https://bot.example.com/' }), signer());
      expect(await behindProxy.presignGet('users/u/inputs/a.png', { expiresInSeconds: 60 })).toMatch(/^https:\/\/bot\.example\.com\/files\/users\//);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('uses S3 when the S3 variables are set, and names the one missing from a partial set', () => {
    const s3 = {
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_BUCKET: 'genbot',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_PUBLIC_BASE_URL: 'https://cdn.example.com/',
    };
    const storage = createObjectStorage(load(s3), signer());
    expect(storage).toBeInstanceOf(S3StorageAdapter);
    expect(storage.publicUrl('users/u/results/a.png')).toBe('https://cdn.example.com/users/u/results/a.png');
    expect(() => createObjectStorage(load({ ...s3, S3_SECRET_ACCESS_KEY: '' }), signer())).toThrow(
      /^Config error: S3_SECRET_ACCESS_KEY is required when any S3_\* variable is set/,
    );
  });

  it('needs FILE_URL_SECRET in production only when files stay on disk (through StorageModule)', async () => {
    const boot = (env: Record<string, string>) => {
      @Global()
      @Module({ providers: [{ provide: AppConfig, useValue: load({ NODE_ENV: 'production', DATA_DIR: '/nonexistent', ...env }) }], exports: [AppConfig] })
      class ConfigModule {}
      return Test.createTestingModule({ imports: [ConfigModule, StorageModule] }).compile();
    };
    await expect(boot({})).rejects.toThrow('Config error: FILE_URL_SECRET is required in production (it is not set)');
    const s3 = await boot({ S3_ENDPOINT: 'http://127.0.0.1:9000', S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's' });
    expect(s3.get(ObjectStorage).kind).toBe('s3');
    const disk = await boot({ FILE_URL_SECRET: SECRET });
    expect(disk.get(ObjectStorage).kind).toBe('disk');
  });
});

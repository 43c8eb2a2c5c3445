import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import S3rver from 's3rver';
import { imageSample } from '../../test/media-samples';
import { objectKey } from '../domain/object-key';
import { S3StorageAdapter } from './s3-storage.adapter';

// s3rver's built-in account; it checks the key id but not SigV4 signatures.
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const BUCKET = 'genbot-test';

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('S3StorageAdapter against s3rver', () => {
  let directory: string;
  let server: S3rver;
  let endpoint: string;
  let storage: S3StorageAdapter;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'genbot-s3rver-'));
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: BUCKET }] });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
    storage = new S3StorageAdapter({ endpoint, region: 'auto', bucket: BUCKET, ...CREDENTIALS, publicBaseUrl: 'https://cdn.example.com' });
  });
  afterAll(async () => {
    storage?.client.destroy();
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('puts, heads, streams and deletes an object', async () => {
    const key = objectKey('user-1', 'results', 'png');
    const png = await imageSample('png');
    await storage.put(key, png, { contentType: 'image/png' });

    const info = await storage.head(key);
    expect(info).toMatchObject({ contentType: 'image/png', size: png.length });
    expect(info!.lastModified).toBeInstanceOf(Date);

    const object = await storage.stream(key);
    expect({ contentType: object.contentType, size: object.size }).toEqual({ contentType: 'image/png', size: png.length });
    expect(await readAll(object.body)).toEqual(png);

    await storage.delete(key);
    expect(await storage.head(key)).toBeUndefined();
    await expect(storage.stream(key)).rejects.toMatchObject({ name: 'DomainError', code: 'STORAGE_NOT_FOUND' });
    await storage.delete(key);
  });

  it('streams a put of a known length and copies objects with their type', async () => {
    const png = await imageSample('png');
    const key = objectKey('user-4', 'inputs', 'png');
    await storage.putStream(key, Readable.from([png.subarray(0, 10), png.subarray(10)]), { contentType: 'image/png', size: png.length });
    expect(await storage.head(key)).toMatchObject({ contentType: 'image/png', size: png.length });

    const copy = objectKey('user-4', 'inputs', 'png');
    await storage.copy(key, copy);
    await storage.put(key, Buffer.from('overwritten'), { contentType: 'image/png' });
    expect(await storage.head(copy)).toMatchObject({ contentType: 'image/png', size: png.length });
    expect(await readAll((await storage.stream(copy)).body)).toEqual(png);
    await expect(storage.copy(objectKey('user-4', 'inputs', 'png'), objectKey('user-4', 'inputs', 'png'))).rejects.toMatchObject({ code: 'STORAGE_NOT_FOUND' });
  });

  it('presigns a PUT that a plain HTTP client can use, then a GET that returns the bytes', async () => {
    const key = objectKey('user-2', 'inputs', 'jpg');
    const jpeg = await imageSample('jpeg');
    const put = await storage.presignPut(key, { contentType: 'image/jpeg', expiresInSeconds: 300 });
    expect(put).toMatchObject({ method: 'PUT', headers: { 'content-type': 'image/jpeg' }, expiresInSeconds: 300 });
    expect(put.url.startsWith(`${endpoint}/${BUCKET}/users/user-2/inputs/`)).toBe(true); // path style

    const uploaded = await fetch(put.url, { method: put.method, headers: put.headers, body: jpeg });
    expect(uploaded.status).toBe(200);
    expect(await storage.head(key)).toMatchObject({ contentType: 'image/jpeg', size: jpeg.length });

    const downloaded = await fetch(await storage.presignGet(key, { expiresInSeconds: 60 }));
    expect(downloaded.status).toBe(200);
    expect(Buffer.from(await downloaded.arrayBuffer())).toEqual(jpeg);
  });

  it('signs the content type into presigned PUTs and no empty-body checksum', async () => {
    const url = new URL((await storage.presignPut(objectKey('user-3', 'inputs', 'png'), { contentType: 'image/png', expiresInSeconds: 60 })).url);
    const names = [...url.searchParams.keys()].map((name) => name.toLowerCase());
    expect(names).not.toContain('x-amz-checksum-crc32');
    expect(names).not.toContain('x-amz-sdk-checksum-algorithm');
    expect(names.filter((name) => name.startsWith('x-amz-checksum-'))).toEqual([]);
    expect([...url.searchParams.values()]).not.toContain('AAAAAA=='); // CRC32 of zero bytes
    expect(url.searchParams.get('X-Amz-SignedHeaders')!.split(';')).toEqual(expect.arrayContaining(['content-type', 'host']));
    expect(url.searchParams.get('X-Amz-Content-Sha256')).toBe('UNSIGNED-PAYLOAD');

    // Why the settings matter: the SDK's default client signs the CRC32 of an empty body.
    const defaults = new S3Client({ endpoint, region: 'auto', credentials: CREDENTIALS, forcePathStyle: true });
    const careless = new URL(await getSignedUrl(defaults, new PutObjectCommand({ Bucket: BUCKET, Key: 'k.png', ContentType: 'image/png' }), { expiresIn: 60 }));
    defaults.destroy();
    expect(careless.searchParams.get('x-amz-checksum-crc32')).toBe('AAAAAA==');
  });

  it('gives public URLs under S3_PUBLIC_BASE_URL and refuses unsafe keys', async () => {
    expect(storage.publicUrl('users/u/results/a.png')).toBe('https://cdn.example.com/users/u/results/a.png');
    await expect(storage.put('../escape.png', Buffer.from('x'), { contentType: 'image/png' })).rejects.toMatchObject({ code: 'STORAGE_KEY_INVALID' });
    await expect(storage.presignGet('/abs.png', { expiresInSeconds: 60 })).rejects.toMatchObject({ code: 'STORAGE_KEY_INVALID' });
  });
});

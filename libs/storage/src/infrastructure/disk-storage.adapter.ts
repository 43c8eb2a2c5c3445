import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { assertObjectKey } from '../domain/object-key';
import { invalidKey, objectNotFound } from '../domain/storage.errors';
import { assertPresignSeconds, ObjectInfo, ObjectStorage, PresignedPut, StoredObject } from '../application/object-storage';
import { FileUrlSigner } from './file-url-signer';

const META_SUFFIX = '.meta.json';
const FALLBACK_TYPE = 'application/octet-stream';

export interface DiskStorageOptions {
  /** Where objects live: `${DATA_DIR}/storage`. */
  root: string;
  /** How clients reach public-api, which serves `/files/<key>`; no trailing slash. */
  baseUrl: string;
  signer: FileUrlSigner;
}

/**
 * The embedded default: objects as files under `root`, each with a `<file>.meta.json` sidecar for
 * its content type. Presigned URLs point at public-api's `/files/<key>` and are HMAC-signed with
 * an expiry, like S3's, so callers cannot tell the two apart.
 */
export class DiskStorageAdapter extends ObjectStorage {
  readonly kind = 'disk' as const;
  private readonly root: string;
  // Temporary files live beside the objects (same filesystem, so rename is atomic) in a folder
  // no key can name, because key segments never start with a dot.
  private readonly tmpDir: string;

  constructor(private readonly options: DiskStorageOptions) {
    super();
    this.root = resolve(options.root);
    this.tmpDir = join(this.root, '.tmp');
  }

  async put(key: string, body: Buffer, options: { contentType: string }): Promise<void> {
    const file = this.pathOf(key);
    await mkdir(dirname(file), { recursive: true });
    // Meta first: once the object is visible under its name, its type is there too.
    await this.writeAtomic(file + META_SUFFIX, Buffer.from(JSON.stringify({ contentType: options.contentType })));
    await this.writeAtomic(file, body);
  }

  async putStream(key: string, body: Readable, options: { contentType: string; size: number }): Promise<void> {
    const file = this.pathOf(key);
    await mkdir(dirname(file), { recursive: true });
    await this.writeAtomic(file + META_SUFFIX, Buffer.from(JSON.stringify({ contentType: options.contentType })));
    await this.writeAtomic(file, body, options.size);
  }

  async copy(from: string, to: string): Promise<void> {
    const source = this.pathOf(from);
    const target = this.pathOf(to);
    const info = await stat(source).catch(() => undefined);
    if (!info?.isFile()) throw objectNotFound(from);
    await mkdir(dirname(target), { recursive: true });
    await this.writeAtomic(target + META_SUFFIX, Buffer.from(JSON.stringify({ contentType: await this.contentTypeOf(source) })));
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, randomUUID());
    try {
      // A copy, not a link: a later PUT to `from` must not show through `to`.
      await copyFile(source, tmp);
      await rename(tmp, target);
    } catch (error) {
      await rm(tmp, { force: true });
      throw (error as NodeJS.ErrnoException).code === 'ENOENT' ? objectNotFound(from) : error;
    }
  }

  async stream(key: string): Promise<StoredObject> {
    const file = this.pathOf(key);
    // Open first and stat the open file, so a concurrent delete cannot split size from body.
    const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' || error.code === 'EISDIR' ? objectNotFound(key) : error;
    });
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw objectNotFound(key);
      return { body: handle.createReadStream(), contentType: await this.contentTypeOf(file), size: info.size };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const file = this.pathOf(key);
    const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!info?.isFile()) return undefined;
    return { contentType: await this.contentTypeOf(file), size: info.size, lastModified: info.mtime };
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    await rm(file, { force: true });
    await rm(file + META_SUFFIX, { force: true });
  }

  async presignPut(key: string, options: { contentType: string; expiresInSeconds: number }): Promise<PresignedPut> {
    const url = this.signedUrl({ method: 'PUT', key, expiresInSeconds: options.expiresInSeconds, contentType: options.contentType });
    return { url, method: 'PUT', headers: { 'content-type': options.contentType }, expiresInSeconds: options.expiresInSeconds };
  }

  async presignGet(key: string, options: { expiresInSeconds: number }): Promise<string> {
    return this.signedUrl({ method: 'GET', key, expiresInSeconds: options.expiresInSeconds });
  }

  publicUrl(): string | undefined {
    return undefined;
  }

  private signedUrl(input: { method: 'GET' | 'PUT'; key: string; expiresInSeconds: number; contentType?: string }): string {
    this.pathOf(input.key);
    assertPresignSeconds(input.expiresInSeconds);
    const expires = Math.floor(Date.now() / 1000) + input.expiresInSeconds;
    const sig = this.options.signer.sign({ method: input.method, key: input.key, expires, contentType: input.contentType });
    return `${this.options.baseUrl}/files/${input.key}?expires=${expires}&sig=${sig}`;
  }

  /** The file behind a key, refusing anything that could leave `root` or hit a sidecar. */
  private pathOf(key: string): string {
    assertObjectKey(key);
    if (key.endsWith(META_SUFFIX)) throw invalidKey(key);
    const file = resolve(this.root, key);
    if (!file.startsWith(this.root + sep)) throw invalidKey(key);
    return file;
  }

  private async contentTypeOf(file: string): Promise<string> {
    try {
      const meta = JSON.parse(await readFile(file + META_SUFFIX, 'utf8')) as { contentType?: unknown };
      return typeof meta.contentType === 'string' ? meta.contentType : FALLBACK_TYPE;
    } catch {
      return FALLBACK_TYPE;
    }
  }

  private async writeAtomic(file: string, data: Buffer | Readable, expectedSize?: number): Promise<void> {
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, randomUUID());
    try {
      // A stream goes through its own write stream (which owns and closes its descriptor);
      // the file is then reopened to check its length and flush it.
      if (!Buffer.isBuffer(data)) await pipeline(data, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
      const handle = await open(tmp, Buffer.isBuffer(data) ? 'wx' : 'r+', 0o600);
      try {
        if (Buffer.isBuffer(data)) await handle.writeFile(data);
        else if ((await handle.stat()).size !== expectedSize) throw new Error(`putStream got ${(await handle.stat()).size} bytes, expected ${expectedSize}`);
        // Flushed before the rename, so a crash cannot leave a short file under the final name.
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await rename(tmp, file);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig, DomainError } from '@genbot/core';
import { DownloadFailed, ObjectStorage, SafeDownloader, SpooledFile, assertUpload, extensionFor, readHead } from '@genbot/storage';
import type { GenerationInput, MediaFamily } from '../domain/generation';
import { DataObject, DataObjectsRepository } from '../infrastructure/data-objects.repository';

export type { DataObject } from '../infrastructure/data-objects.repository';

/** How long a presigned upload may stay unconfirmed before the hourly cleanup removes it. */
const PRESIGN_TTL_SECONDS = 15 * 60;
/** How long an uploaded input is kept (and its URL valid): seed 001's `expiredIn`. */
const DATA_RETENTION_SECONDS = 7 * 24 * 3600;

/**
 * Input files (seed 001's `Data`, the Mini App's media uploads): uploaded through us (multipart)
 * or straight to storage with a presigned PUT and then confirmed. Either way the bytes are
 * checked, not only the declared type.
 */
@Injectable()
export class DataService {
  private readonly logger = new Logger(DataService.name);

  constructor(
    private readonly storage: ObjectStorage,
    private readonly repository: DataObjectsRepository,
    private readonly config: AppConfig,
    private readonly downloader: SafeDownloader,
  ) {}

  /**
   * Fetches a URL a client gave into storage, through the safe downloader, and checks the bytes
   * as an upload. Whatever goes wrong (refused address, redirect, status, size, not an image) the
   * client gets the same STORAGE_FETCH_FAILED naming `field`: a different answer per cause would
   * let anyone map what our servers can reach. The cause goes to the log.
   */
  async importUrl(input: { userId: string | null; type: MediaFamily; url: string; field: string }): Promise<DataObject> {
    const what = `could not fetch the ${input.type === 'image' ? 'image' : 'file'}`;
    const refuse = (reason: string, why: string) => {
      this.logger.warn({ field: input.field, url: input.url.slice(0, 300), reason, why }, 'remote input refused');
      return new DomainError('STORAGE_FETCH_FAILED', what, { fields: [{ field: input.field, problems: [what] }] });
    };
    let data: Buffer;
    try {
      ({ data } = await this.downloader.download(input.url, { maxBytes: this.maxUploadBytes }));
    } catch (error) {
      if (error instanceof DownloadFailed) throw refuse(error.reason, error.why);
      throw error;
    }
    try {
      // The server's Content-Type is not passed on: only the bytes say what this is.
      return await this.upload({ userId: input.userId, type: input.type, data });
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'STORAGE_UNSUPPORTED_TYPE' || error.code === 'STORAGE_TOO_LARGE'))
        throw refuse(error.code, error.message);
      throw error;
    }
  }

  /** The cap every upload is held to (UPLOAD_MAX_BYTES), for callers that stream before calling `upload`. */
  get maxUploadBytes(): number {
    return this.config.env.UPLOAD_MAX_BYTES;
  }

  /**
   * Stores an upload owned by `userId` (null: a service client's). `data` is the whole file, or a
   * spooled one (`spoolToTempFile`) that is streamed to storage; the caller disposes of it.
   */
  async upload(input: { userId: string | null; type: MediaFamily; data: Buffer | SpooledFile; declaredType?: string }): Promise<DataObject> {
    const { data } = input;
    const bytes = Buffer.isBuffer(data) ? data : data.head;
    const size = Buffer.isBuffer(data) ? data.length : data.size;
    const { contentType } = assertUpload({ bytes, size, declaredType: input.declaredType, allowed: input.type, maxBytes: this.maxUploadBytes });
    const key = this.key(input.userId, input.type, contentType);
    if (Buffer.isBuffer(data)) await this.storage.put(key, data, { contentType });
    else await this.storage.putStream(key, data.open(), { contentType, size });
    return this.repository.insert({
      userId: input.userId,
      type: input.type,
      storageKey: key,
      contentType,
      sizeBytes: size,
      status: 'ready',
      expiresAt: this.after(DATA_RETENTION_SECONDS),
    });
  }

  async presign(input: {
    userId: string | null;
    type: MediaFamily;
    contentType: string;
  }): Promise<{ data: DataObject; uploadUrl: string; headers: Record<string, string>; expiresInSeconds: number }> {
    // Size and bytes are checked at confirm; here the declared type must already fit.
    assertUpload({ size: 0, declaredType: input.contentType, allowed: input.type, maxBytes: this.maxUploadBytes });
    const key = this.key(input.userId, input.type, input.contentType);
    const presigned = await this.storage.presignPut(key, { contentType: input.contentType, expiresInSeconds: PRESIGN_TTL_SECONDS });
    const data = await this.repository.insert({
      userId: input.userId,
      type: input.type,
      storageKey: key,
      contentType: input.contentType,
      sizeBytes: null,
      status: 'pending',
      expiresAt: this.after(PRESIGN_TTL_SECONDS),
    });
    return { data, uploadUrl: presigned.url, headers: presigned.headers, expiresInSeconds: PRESIGN_TTL_SECONDS };
  }

  /**
   * After a presigned upload: the object must exist, fit the limit, and its bytes match the type.
   * The presigned URL stays valid for its whole lifetime, so what gets checked and used is a copy
   * under a fresh key the client never learned; the upload key is deleted.
   */
  async confirm(id: string): Promise<DataObject> {
    const data = await this.get(id);
    if (data.status === 'ready') return data;
    const uploaded = data.storageKey;
    const confirmed = this.key(data.userId, data.type, data.contentType);
    try {
      await this.storage.copy(uploaded, confirmed);
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'STORAGE_NOT_FOUND')) throw error;
      // Nothing there: not uploaded yet, or a concurrent confirm already moved it.
      const now = await this.get(id);
      if (now.status === 'ready') return now;
      throw new DomainError('DATA_NOT_UPLOADED', 'Nothing was uploaded for this data id yet', { dataId: id });
    }
    await this.storage.delete(uploaded);
    let size: number;
    try {
      size = await this.checkStored(confirmed, data);
    } catch (error) {
      await this.storage.delete(confirmed);
      throw error;
    }
    const ready = await this.repository.markReady(id, { storageKey: confirmed, sizeBytes: size, retentionSeconds: DATA_RETENTION_SECONDS });
    if (ready) return ready;
    // A concurrent confirm won; its copy is the one the row points at.
    await this.storage.delete(confirmed);
    return this.get(id);
  }

  async get(id: string): Promise<DataObject> {
    const data = await this.repository.find(id);
    if (!data) throw new DomainError('DATA_NOT_FOUND', 'Data not found', { dataId: id });
    return data;
  }

  /**
   * Turns uploaded ids into generation inputs; each must be ready and the caller's. A service
   * client (`serviceClient: true`) may also use its own unowned uploads for any of its users; a
   * Mini App user may not, since those ids are not theirs to know.
   */
  async asInputs(ids: string[], userId: string, options: { serviceClient?: boolean } = {}): Promise<GenerationInput[]> {
    const inputs: GenerationInput[] = [];
    for (const id of ids) {
      const data = await this.get(id);
      const usable = data.userId === userId || (data.userId === null && options.serviceClient === true);
      if (!usable) throw new DomainError('FORBIDDEN', 'This upload belongs to someone else', { dataId: id });
      if (data.status !== 'ready') throw new DomainError('DATA_NOT_UPLOADED', 'This upload is not confirmed yet', { dataId: id });
      inputs.push({ type: data.type, dataId: data.id, storageKey: data.storageKey, contentType: data.contentType });
    }
    return inputs;
  }

  /** A URL a client can fetch the object from: the public one if storage has it, else a signed one. */
  async url(storageKey: string, expiresInSeconds = 3600): Promise<string> {
    return this.storage.publicUrl(storageKey) ?? (await this.storage.presignGet(storageKey, { expiresInSeconds }));
  }

  /** The stored object's size, once it is known to fit the limit and its first bytes the type. */
  private async checkStored(key: string, data: DataObject): Promise<number> {
    const head = await this.storage.head(key);
    if (!head) throw new DomainError('DATA_NOT_UPLOADED', 'Nothing was uploaded for this data id yet', { dataId: data.id });
    const check = { declaredType: data.contentType, allowed: data.type, maxBytes: this.maxUploadBytes };
    // The size first: an oversize object is refused without reading it; then only its beginning.
    assertUpload({ ...check, size: head.size });
    const bytes = await readHead((await this.storage.stream(key)).body);
    assertUpload({ ...check, bytes, size: head.size });
    return head.size;
  }

  private key(userId: string | null, type: MediaFamily, contentType: string): string {
    return `users/${userId ?? 'service'}/inputs/${randomUUID()}.${extensionFor(contentType) ?? type}`;
  }

  private after(seconds: number): Date {
    return new Date(Date.now() + seconds * 1000);
  }
}

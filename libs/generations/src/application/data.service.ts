import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig, DomainError } from '@genbot/core';
import { DownloadFailed, ObjectStorage, SafeDownloader, assertUpload, extensionFor, readCapped } from '@genbot/storage';
import type { GenerationInput, MediaType } from '../domain/generation';
import { GenerationsRepository } from '../infrastructure/generations.repository';

export interface DataObject {
  id: string;
  userId: string | null;
  type: MediaType;
  storageKey: string;
  contentType: string;
  sizeBytes: number | null;
  status: 'pending' | 'ready';
  expiresAt: Date | null;
  createdAt: Date;
}

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
    private readonly repository: GenerationsRepository,
    private readonly config: AppConfig,
    private readonly downloader: SafeDownloader,
  ) {}

  /**
   * Fetches a URL a client gave into storage, through the safe downloader, and checks the bytes
   * as an upload. Whatever goes wrong (refused address, redirect, status, size, not an image) the
   * client gets the same STORAGE_FETCH_FAILED naming `field`: a different answer per cause would
   * let anyone map what our servers can reach. The cause goes to the log.
   */
  async importUrl(input: { userId: string | null; type: MediaType; url: string; field: string }): Promise<DataObject> {
    const what = `could not fetch the ${input.type === 'image' ? 'image' : 'file'}`;
    const refuse = (reason: string, why: string) => {
      this.logger.warn({ field: input.field, url: input.url.slice(0, 300), reason, why }, 'remote input refused');
      return new DomainError('STORAGE_FETCH_FAILED', what, { fields: [{ field: input.field, problems: [what] }] });
    };
    let data: Buffer;
    try {
      ({ data } = await this.downloader.download(input.url, { maxBytes: this.config.env.UPLOAD_MAX_BYTES }));
    } catch (error) {
      if (error instanceof DownloadFailed) throw refuse(error.reason, error.why);
      throw error;
    }
    try {
      // The server's Content-Type is not passed on: only the bytes say what this is.
      return await this.upload({ userId: input.userId, type: input.type, data });
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'STORAGE_UNSUPPORTED_TYPE' || error.code === 'STORAGE_TOO_LARGE')) throw refuse(error.code, error.message);
      throw error;
    }
  }

  async upload(input: { userId: string | null; type: MediaType; data: Buffer; declaredType?: string }): Promise<DataObject> {
    const { contentType } = assertUpload({ bytes: input.data, declaredType: input.declaredType, allowed: input.type, maxBytes: this.config.env.UPLOAD_MAX_BYTES });
    const key = this.key(input.userId, input.type, contentType);
    await this.storage.put(key, input.data, { contentType });
    return this.insert({ userId: input.userId, type: input.type, key, contentType, size: input.data.length, status: 'ready', expiresAt: new Date(Date.now() + DATA_RETENTION_SECONDS * 1000) });
  }

  async presign(input: { userId: string | null; type: MediaType; contentType: string }): Promise<{ data: DataObject; uploadUrl: string; headers: Record<string, string>; expiresInSeconds: number }> {
    // Size and bytes are checked at confirm; here the declared type must already fit.
    assertUpload({ size: 0, declaredType: input.contentType, allowed: input.type, maxBytes: this.config.env.UPLOAD_MAX_BYTES });
    const key = this.key(input.userId, input.type, input.contentType);
    const presigned = await this.storage.presignPut(key, { contentType: input.contentType, expiresInSeconds: PRESIGN_TTL_SECONDS });
    const data = await this.insert({ userId: input.userId, type: input.type, key, contentType: input.contentType, size: null, status: 'pending', expiresAt: new Date(Date.now() + PRESIGN_TTL_SECONDS * 1000) });
    return { data, uploadUrl: presigned.url, headers: presigned.headers, expiresInSeconds: PRESIGN_TTL_SECONDS };
  }

  /** After a presigned upload: the object must exist, fit the limit, and its bytes match the type. */
  async confirm(id: string): Promise<DataObject> {
    const data = await this.get(id);
    if (data.status === 'ready') return data;
    const head = await this.storage.head(data.storageKey);
    if (!head) throw new DomainError('DATA_NOT_UPLOADED', 'Nothing was uploaded for this data id yet', { dataId: id });
    const maxBytes = this.config.env.UPLOAD_MAX_BYTES;
    try {
      // The size first: an oversize object is refused without reading it.
      assertUpload({ size: head.size, declaredType: data.contentType, allowed: data.type, maxBytes });
      const bytes = await readCapped((await this.storage.stream(data.storageKey)).body, maxBytes);
      assertUpload({ bytes, declaredType: data.contentType, allowed: data.type, maxBytes });
    } catch (error) {
      await this.storage.delete(data.storageKey);
      throw error;
    }
    const [rows]: [Record<string, unknown>[], number] = await this.repository.dataSource.query(
      `UPDATE data_objects SET status = 'ready', size_bytes = $2, confirmed_at = now(), expires_at = now() + make_interval(secs => $3::double precision) WHERE id = $1 RETURNING *`,
      [id, head.size, DATA_RETENTION_SECONDS],
    );
    return toData(rows[0]);
  }

  async get(id: string): Promise<DataObject> {
    const [row]: Record<string, unknown>[] = await this.repository.dataSource.query(`SELECT * FROM data_objects WHERE id = $1`, [id]);
    if (!row) throw new DomainError('DATA_NOT_FOUND', 'Data not found', { dataId: id });
    return toData(row);
  }

  /** Turns uploaded ids into generation inputs; each must be ready and the caller's (or unowned). */
  async asInputs(ids: string[], userId: string): Promise<GenerationInput[]> {
    const inputs: GenerationInput[] = [];
    for (const id of ids) {
      const data = await this.get(id);
      if (data.userId && data.userId !== userId) throw new DomainError('FORBIDDEN', 'This upload belongs to someone else', { dataId: id });
      if (data.status !== 'ready') throw new DomainError('DATA_NOT_UPLOADED', 'This upload is not confirmed yet', { dataId: id });
      inputs.push({ type: data.type, dataId: data.id, storageKey: data.storageKey, contentType: data.contentType });
    }
    return inputs;
  }

  /** A URL a client can fetch the object from: the public one if storage has it, else a signed one. */
  async url(storageKey: string, expiresInSeconds = 3600): Promise<string> {
    return this.storage.publicUrl(storageKey) ?? (await this.storage.presignGet(storageKey, { expiresInSeconds }));
  }

  private key(userId: string | null, type: MediaType, contentType: string): string {
    return `users/${userId ?? 'service'}/inputs/${randomUUID()}.${extensionFor(contentType) ?? type}`;
  }

  private async insert(d: { userId: string | null; type: MediaType; key: string; contentType: string; size: number | null; status: 'pending' | 'ready'; expiresAt: Date }): Promise<DataObject> {
    const [row]: Record<string, unknown>[] = await this.repository.dataSource.query(
      `INSERT INTO data_objects (user_id, type, storage_key, content_type, size_bytes, status, expires_at, confirmed_at)
       VALUES ($1, $2, $3, $4, $5, $6::varchar, $7, CASE WHEN $6::varchar = 'ready' THEN now() END) RETURNING *`,
      [d.userId, d.type, d.key, d.contentType, d.size, d.status, d.expiresAt],
    );
    return toData(row);
  }
}

function toData(row: Record<string, unknown>): DataObject {
  return {
    id: row.id as string,
    userId: row.user_id as string | null,
    type: row.type as MediaType,
    storageKey: row.storage_key as string,
    contentType: row.content_type as string,
    sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
    status: row.status as DataObject['status'],
    expiresAt: row.expires_at as Date | null,
    createdAt: row.created_at as Date,
  };
}

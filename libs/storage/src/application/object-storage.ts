import type { Readable } from 'node:stream';

export interface StoredObject {
  body: Readable;
  contentType: string;
  size: number;
}

export interface ObjectInfo {
  contentType: string;
  size: number;
  lastModified: Date;
}

/** What a client needs to upload straight to storage: send `headers` with exactly these values. */
export interface PresignedPut {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresInSeconds: number;
}

/** Longest validity of a presigned URL (S3's SigV4 limit, kept for disk too). */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/**
 * Object storage, and the DI token for it: S3 (R2 / MinIO / AWS) in production, local disk as
 * the embedded default. Keys come from `objectKey()`. Callers never learn which backend runs,
 * except through `kind` and whether `publicUrl` has an answer.
 */
export abstract class ObjectStorage {
  abstract readonly kind: 's3' | 'disk';

  /** Writes the whole object at once: a reader sees the old object or the new one, never a part. */
  abstract put(key: string, body: Buffer, options: { contentType: string }): Promise<void>;
  /**
   * Like `put`, from a stream of exactly `size` bytes (S3 needs the length up front), so a large
   * upload never sits in memory whole. A stream that ends short or runs long fails the put.
   */
  abstract putStream(key: string, body: Readable, options: { contentType: string; size: number }): Promise<void>;
  /**
   * Copies an object to a new key, type included. How a presigned upload becomes immutable: the
   * client's URL keeps pointing at the old key, which the copy no longer depends on.
   * Throws STORAGE_NOT_FOUND when `from` does not exist.
   */
  abstract copy(from: string, to: string): Promise<void>;

  /** Throws STORAGE_NOT_FOUND when the key does not exist. */
  abstract stream(key: string): Promise<StoredObject>;

  abstract head(key: string): Promise<ObjectInfo | undefined>;

  /** Succeeds when the key is already gone. */
  abstract delete(key: string): Promise<void>;

  /**
   * A URL the client PUTs the bytes to, bypassing our servers. The storage cannot check size or
   * content there, so whoever issued it must `head()` / `stream()` the object before trusting it.
   */
  abstract presignPut(key: string, options: { contentType: string; expiresInSeconds: number }): Promise<PresignedPut>;

  abstract presignGet(key: string, options: { expiresInSeconds: number }): Promise<string>;

  /** A permanent URL when the bucket is served publicly (S3_PUBLIC_BASE_URL), else undefined. */
  abstract publicUrl(key: string): string | undefined;
}

export function assertPresignSeconds(expiresInSeconds: number): void {
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_PRESIGN_SECONDS)
    throw new RangeError(`expiresInSeconds must be an integer from 1 to ${MAX_PRESIGN_SECONDS} (got ${expiresInSeconds})`);
}

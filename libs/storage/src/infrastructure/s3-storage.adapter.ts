import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import { assertObjectKey } from '../domain/object-key';
import { objectNotFound } from '../domain/storage.errors';
import { assertPresignSeconds, ObjectInfo, ObjectStorage, PresignedPut, StoredObject } from '../application/object-storage';

export interface S3StorageOptions {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Where the bucket is served publicly (a CDN, an R2 custom domain); no trailing slash. */
  publicBaseUrl?: string;
}

/**
 * Any S3-compatible store: R2, MinIO, AWS. Path-style addressing, because R2 and MinIO do not all
 * serve bucket subdomains. Checksums only WHEN_REQUIRED: since SDK 3.729 the default adds a CRC32
 * to every PutObject, and a presigned PUT would then carry the CRC32 of an *empty* body in its
 * query, so every real upload through that URL fails; several S3-compatible stores also refuse
 * the checksum headers outright.
 */
export class S3StorageAdapter extends ObjectStorage {
  readonly kind = 's3' as const;
  readonly client: S3Client;

  constructor(private readonly options: S3StorageOptions) {
    super();
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: Buffer, options: { contentType: string }): Promise<void> {
    assertObjectKey(key);
    await this.client.send(
      new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: body, ContentType: options.contentType, ContentLength: body.length }),
    );
  }

  async putStream(key: string, body: Readable, options: { contentType: string; size: number }): Promise<void> {
    assertObjectKey(key);
    // With ContentLength given, the SDK streams the body in one PutObject instead of buffering it.
    await this.client.send(
      new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: body, ContentType: options.contentType, ContentLength: options.size }),
    );
  }

  async copy(from: string, to: string): Promise<void> {
    assertObjectKey(from);
    assertObjectKey(to);
    try {
      // Keys are checked to hold only URL-safe characters, so the copy source needs no escaping.
      await this.client.send(new CopyObjectCommand({ Bucket: this.options.bucket, Key: to, CopySource: `${this.options.bucket}/${from}` }));
    } catch (error) {
      throw isNotFound(error) ? objectNotFound(from) : error;
    }
  }

  async stream(key: string): Promise<StoredObject> {
    assertObjectKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      if (!(out.Body instanceof Readable)) throw new Error(`S3 GetObject returned no Node stream for ${key}`);
      return { body: out.Body, contentType: out.ContentType ?? 'application/octet-stream', size: out.ContentLength ?? 0 };
    } catch (error) {
      throw isNotFound(error) ? objectNotFound(key) : error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    assertObjectKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return { contentType: out.ContentType ?? 'application/octet-stream', size: out.ContentLength ?? 0, lastModified: out.LastModified ?? new Date(0) };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertObjectKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
  }

  async presignPut(key: string, options: { contentType: string; expiresInSeconds: number }): Promise<PresignedPut> {
    assertObjectKey(key);
    assertPresignSeconds(options.expiresInSeconds);
    const command = new PutObjectCommand({ Bucket: this.options.bucket, Key: key, ContentType: options.contentType });
    // The presigner leaves Content-Type unsigned by default; signing it makes the store refuse
    // an upload whose type differs from the one we approved.
    const url = await getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds, signableHeaders: new Set(['content-type']) });
    return { url, method: 'PUT', headers: { 'content-type': options.contentType }, expiresInSeconds: options.expiresInSeconds };
  }

  async presignGet(key: string, options: { expiresInSeconds: number }): Promise<string> {
    assertObjectKey(key);
    assertPresignSeconds(options.expiresInSeconds);
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.options.bucket, Key: key }), { expiresIn: options.expiresInSeconds });
  }

  publicUrl(key: string): string | undefined {
    assertObjectKey(key);
    return this.options.publicBaseUrl ? `${this.options.publicBaseUrl}/${key}` : undefined;
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import { urlExpired, urlInvalid } from '../domain/storage.errors';

export interface FileUrlClaims {
  method: 'GET' | 'PUT';
  key: string;
  /** Unix seconds after which the URL stops working. */
  expires: number;
  /** PUT only: the Content-Type the uploader must send. */
  contentType?: string;
}

/** The HMAC-SHA256 (base64url) over everything a disk-file URL grants. */
export function fileSignature(secret: string, claims: FileUrlClaims): string {
  const signed = [claims.method, claims.key, String(claims.expires), claims.contentType ?? ''].join('\n');
  return createHmac('sha256', secret).update(signed).digest('base64url');
}

/**
 * Checks a disk-file URL: STORAGE_URL_INVALID (403) for a signature that does not cover exactly
 * these claims, STORAGE_URL_EXPIRED (403) for a genuine one past its time.
 */
export function verifyFileSignature(secret: string, claims: FileUrlClaims & { sig: string | undefined }, nowMs = Date.now()): void {
  if (!claims.sig || !Number.isSafeInteger(claims.expires)) throw urlInvalid();
  const expected = Buffer.from(fileSignature(secret, claims));
  const given = Buffer.from(claims.sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw urlInvalid();
  if (nowMs / 1000 > claims.expires) throw urlExpired();
}

/**
 * Holds the secret that signs disk-file URLs (FILE_URL_SECRET, or one generated under DATA_DIR
 * outside production). Resolved on first use, so an S3 deployment never needs it.
 */
export class FileUrlSigner {
  private resolved?: string;

  constructor(private readonly resolveSecret: () => string) {}

  get secret(): string {
    return (this.resolved ??= this.resolveSecret());
  }

  sign(claims: FileUrlClaims): string {
    return fileSignature(this.secret, claims);
  }

  verify(claims: FileUrlClaims & { sig: string | undefined }, nowMs = Date.now()): void {
    verifyFileSignature(this.secret, claims, nowMs);
  }
}

import { extensionFor, MediaFamily, mediaFamily, normalizeContentType, sniffContentType } from './content-type';
import { tooLarge, unsupportedType } from './storage.errors';

export type UploadCheck = {
  /** What the client claims (the Content-Type header, a multipart part's type). */
  declaredType?: string;
  allowed: MediaFamily | MediaFamily[];
  maxBytes: number;
} &
  /** `size` with `bytes`: the object's full size when `bytes` is only its beginning. */
  ({ bytes: Buffer; size?: number } | { size: number; bytes?: undefined });

export interface AcceptedUpload {
  /** The type to store: the sniffed one, or the declared one when only `size` was given. */
  contentType: string;
  extension: string;
  size: number;
}

/**
 * What clients send when they do not know the type (curl and many HTTP libraries default to
 * octet-stream for a file part): a statement of ignorance, not a claim, so the bytes decide.
 */
const GENERIC_TYPES = new Set(['application/octet-stream', 'binary/octet-stream', 'application/unknown', 'application/binary']);

export function isGenericType(contentType: string | undefined): boolean {
  return !contentType || GENERIC_TYPES.has(normalizeContentType(contentType)) || normalizeContentType(contentType) === '';
}

/**
 * The rule every upload passes: within the size limit (413), and of an allowed family judged by
 * its bytes, agreeing with what the client declared (415). A PNG renamed `.mp4` and sent as
 * `video/mp4` fails even where both images and videos are allowed. With `size` alone (before
 * the body arrives, e.g. from Content-Length) only the size and the declared type are checked.
 * A generic declared type (octet-stream, none) counts as no declaration: the sniffed type wins.
 */
export function assertUpload(check: UploadCheck): AcceptedUpload {
  const allowed = Array.isArray(check.allowed) ? check.allowed : [check.allowed];
  const size = Math.max(check.size ?? 0, check.bytes?.length ?? 0);
  if (size > check.maxBytes) throw tooLarge(check.maxBytes, size);

  const declaredType = check.declaredType && !isGenericType(check.declaredType) ? normalizeContentType(check.declaredType) : undefined;
  const declaredFamily = declaredType ? mediaFamily(declaredType) : undefined;
  if (declaredType && (!declaredFamily || !allowed.includes(declaredFamily)))
    throw unsupportedType(`Files of type ${declaredType} are not accepted here`, { declaredType, allowed });

  if (!check.bytes) {
    const extension = declaredType ? extensionFor(declaredType) : undefined;
    if (!declaredType || !extension) throw unsupportedType('The file type is missing or not supported', { declaredType, allowed });
    return { contentType: declaredType, extension, size };
  }

  if (size === 0) throw unsupportedType('The file is empty', { declaredType, allowed });
  const detectedType = sniffContentType(check.bytes, { prefix: size > check.bytes.length });
  const detectedFamily = detectedType ? mediaFamily(detectedType) : undefined;
  const details = { ...(declaredType ? { declaredType } : {}), ...(detectedType ? { detectedType } : {}), allowed };
  if (!detectedType || !detectedFamily) throw unsupportedType('The file content is not a supported image, video, audio or text format', details);
  if (declaredFamily && declaredFamily !== detectedFamily) throw unsupportedType(`The file is ${detectedType}, not the declared ${declaredType}`, details);
  if (!allowed.includes(detectedFamily)) throw unsupportedType(`Files of type ${detectedType} are not accepted here`, details);
  return { contentType: detectedType, extension: extensionFor(detectedType)!, size };
}

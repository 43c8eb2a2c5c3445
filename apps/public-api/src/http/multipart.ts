import type { FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { DomainError } from '@genbot/core';
import { SpooledFile, spoolToTempFile, tooLarge } from '@genbot/storage';

export interface UploadedFile {
  /** The file part, spooled to a temporary file: pass it on, never read it into memory. */
  file: SpooledFile;
  /** The part's Content-Type as declared, or undefined when the part said nothing. */
  contentType: string | undefined;
  fields: Record<string, string>;
}

/**
 * Reads a multipart request with one file (field `file`, or `fileField`: seed 003 sends `image`),
 * streams the file to a temporary file with `maxBytes` enforced as it arrives, and hands it to
 * `use`; the temporary file is removed afterwards, whatever happens. Broken multipart is the
 * client's fault and answers 400 / 413, never 500.
 */
export async function withSingleFile<T>(request: FastifyRequest, maxBytes: number, use: (upload: UploadedFile) => Promise<T>, fileField = 'file'): Promise<T> {
  if (!request.isMultipart()) throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `Send multipart/form-data with a file field \`${fileField}\``);
  const fields: Record<string, string> = {};
  let file: { spooled: SpooledFile; contentType: string | undefined } | undefined;
  const parts = request.parts()[Symbol.asyncIterator]();
  const nextPart = () => {
    const promise = parts.next().catch((error: unknown) => {
      throw multipartError(error, maxBytes);
    });
    promise.catch(() => undefined); // awaited later; until then, not an unhandled rejection
    return promise;
  };
  let next = nextPart();
  try {
    for (;;) {
      const result = await next;
      if (result.done) break;
      const part = result.value;
      // Asked for before the file is read: a limit tripped or a body cut short arrives here, and
      // the file part it stopped may never end by itself.
      next = nextPart();
      if (part.type !== 'file') {
        fields[part.fieldname] = String(part.value);
        continue;
      }
      if (part.fieldname !== fileField || file) {
        part.file.resume();
        throw new DomainError('VALIDATION_FAILED', `Send exactly one file, in the field \`${fileField}\``, {
          fields: [{ field: part.fieldname, problems: ['unexpected file'] }],
        });
      }
      // busboy reports a part without Content-Type as text/plain (RFC 7578's default), so that
      // spelling is no claim at all: the bytes decide, and a PNG stays a PNG.
      file = { spooled: await spoolPart(part, maxBytes, next), contentType: part.mimetype === 'text/plain' ? undefined : part.mimetype };
    }
    if (!file) throw new DomainError('VALIDATION_FAILED', `The field \`${fileField}\` is missing`, { fields: [{ field: fileField, problems: ['required'] }] });
  } catch (error) {
    await file?.spooled.dispose();
    // The plugin unpipes the request when a limit trips; left unread, the rest of the body would
    // hold the connection busy after our answer (and a graceful shutdown with it).
    if (!request.raw.complete) request.raw.resume();
    throw error;
  }
  try {
    return await use({ file: file.spooled, contentType: file.contentType, fields });
  } finally {
    await file.spooled.dispose();
  }
}

/** The file part into a temporary file; fails as soon as the part is too big or the request breaks. */
async function spoolPart(part: MultipartFile, maxBytes: number, next: Promise<unknown>): Promise<SpooledFile> {
  // busboy stops passing bytes at its own limit (the same UPLOAD_MAX_BYTES) but keeps the part
  // open until the body's end; failing on its 'limit' event answers 413 without waiting.
  part.file.once('limit', () => part.file.destroy(tooLarge(maxBytes)));
  const spooling = spoolToTempFile(part.file, { maxBytes, isTruncated: () => part.file.truncated });
  const broken = next.then(
    () => new Promise<never>(() => undefined),
    (error: unknown) => {
      throw error;
    },
  );
  try {
    return await Promise.race([spooling, broken]);
  } catch (error) {
    // With the error: busboy's file stream emits no 'close', so only an error ends the pipeline.
    part.file.destroy(error as Error);
    // Whichever way the spool ends now, its temporary file must not outlive the request; not
    // awaited, since a stream that was closed early may never settle it.
    void spooling.then(
      (spooled) => spooled.dispose(),
      () => undefined,
    );
    if (error instanceof DomainError) throw error;
    // A file stream closed under us says little; the iterator's error (a limit tripped) says why.
    let reason: unknown;
    next.catch((cause: unknown) => (reason = cause));
    await new Promise((resolve) => setImmediate(resolve));
    throw reason ?? multipartError(error, maxBytes);
  }
}

const TOO_MANY = new Set(['FST_PARTS_LIMIT', 'FST_FILES_LIMIT', 'FST_FIELDS_LIMIT']);

/**
 * The plugin's and busboy's errors in our vocabulary. Errors from the file system (an `errno`)
 * stay what they are: a full disk is our 500, not the client's 400.
 */
function multipartError(error: unknown, maxBytes: number): unknown {
  if (error instanceof DomainError) return error;
  const { code, errno, message } = error as { code?: string; errno?: number; message?: string };
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(maxBytes);
  if (code && TOO_MANY.has(code))
    return new DomainError('MULTIPART_TOO_MANY_PARTS', 'Too many fields or files: send one file (field `file`) and a few short fields');
  if (errno !== undefined) return error;
  if ((code && code.startsWith('FST_')) || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === undefined)
    return new DomainError('MULTIPART_MALFORMED', 'The multipart body is malformed or cut short', { reason: String(message ?? 'unknown').slice(0, 200) });
  return error;
}

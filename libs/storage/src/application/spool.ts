import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tooLarge } from '../domain/storage.errors';

/** Enough of a file's beginning for `sniffContentType` (ftyp brands, EBML doc type, text). */
export const SNIFF_BYTES = 4096;

/**
 * An upload held in a temporary file: its size and first bytes are known before anything is
 * stored, and `open()` replays it to storage as a stream. Call `dispose()` when done (finally).
 */
export interface SpooledFile {
  readonly path: string;
  readonly size: number;
  /** The first SNIFF_BYTES bytes (all of them for a smaller file). */
  readonly head: Buffer;
  open(): Readable;
  dispose(): Promise<void>;
}

/**
 * Writes `source` to a temporary file, failing STORAGE_TOO_LARGE the moment it passes `maxBytes`
 * (the partial file is removed). Memory stays at a few stream buffers whatever the size, which a
 * whole-body Buffer does not: twenty parallel 19 MB uploads were half a gigabyte of heap.
 * `isTruncated` reports a limit the producer enforced itself (busboy stops a file part at its
 * own fileSize limit and marks it truncated instead of sending more).
 */
export async function spoolToTempFile(source: Readable, options: { maxBytes: number; dir?: string; isTruncated?: () => boolean }): Promise<SpooledFile> {
  // pipeline() never settles for a source that is already closed (busboy destroys a file part
  // when a later limit trips), so such a source fails here.
  if (source.destroyed) throw Object.assign(new Error('The upload stream was closed before it was read'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
  const path = join(options.dir ?? tmpdir(), `genbot-upload-${randomUUID()}`);
  const headChunks: Buffer[] = [];
  let headSize = 0;
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > options.maxBytes) return done(tooLarge(options.maxBytes));
      if (headSize < SNIFF_BYTES) {
        const part = chunk.subarray(0, SNIFF_BYTES - headSize);
        headChunks.push(Buffer.from(part));
        headSize += part.length;
      }
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, counter, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    if (options.isTruncated?.()) throw tooLarge(options.maxBytes);
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  const head = Buffer.concat(headChunks, headSize);
  return {
    path,
    size,
    head,
    open: () => createReadStream(path),
    dispose: () => rm(path, { force: true }),
  };
}

/** The first `bytes` of a stream, then the stream is closed: enough to sniff a stored object. */
export async function readHead(stream: Readable, bytes = SNIFF_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      chunks.push(buffer.subarray(0, bytes - size));
      size += Math.min(buffer.length, bytes - size);
      if (size >= bytes) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks, size);
}

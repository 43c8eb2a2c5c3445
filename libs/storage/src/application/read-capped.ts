import type { Readable } from 'node:stream';
import { tooLarge } from '../domain/storage.errors';

/**
 * Reads a request body into memory, failing STORAGE_TOO_LARGE as soon as it passes `maxBytes`.
 * On overflow the stream is drained, not destroyed: destroying an HTTP request kills its socket,
 * and the client would see a reset instead of our 413.
 */
export function readCapped(stream: Readable, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Already read by a body parser (which left nothing for us): waiting for 'end' would hang.
    if (stream.readableEnded) return resolve(Buffer.alloc(0));
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > maxBytes) {
        cleanup();
        stream.on('error', () => undefined);
        stream.resume();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error';
import { MAX_JSON_DEPTH, jsonDepthExceeds } from './input-safety';

type DefaultJsonParser = ReturnType<FastifyInstance['getDefaultJsonParser']>;
const parsers = new WeakMap<FastifyInstance, DefaultJsonParser>();

/**
 * Parses a JSON body as every route of every app does: Fastify's parser (which refuses
 * `__proto__` and `constructor` keys), after a depth check, failing as MALFORMED_JSON. An empty
 * body is `undefined`.
 */
export function parseJsonBody(request: FastifyRequest, text: string, done: (error: Error | null, value: unknown) => void): void {
  if (text.length === 0) return done(null, undefined);
  // Scanned before parsing: a 10 000-deep body parses fine but overflows the stack of whatever walks it next.
  if (jsonDepthExceeds(text))
    return done(new DomainError('MALFORMED_JSON', `Request body nests deeper than ${MAX_JSON_DEPTH} levels`, { maxDepth: MAX_JSON_DEPTH }), undefined);
  let parse = parsers.get(request.server);
  if (!parse) parsers.set(request.server, (parse = request.server.getDefaultJsonParser('error', 'error')));
  parse(request, text, (error, value) => (error ? done(new DomainError('MALFORMED_JSON', 'Request body is not valid JSON'), undefined) : done(null, value)));
}

/**
 * Reads and parses a JSON body in an `onRequest` hook, before Fastify's own body parsing, with the
 * same answers (415 for another type, 413 past the app's bodyLimit, MALFORMED_JSON). For a route
 * taking thousands of small bodies a second (the bot's webhook): Fastify's parsing binds an
 * AsyncResource per request, which outlives young-generation collections and drags the request's
 * other objects through them; those collections then take 10-30 ms each on a small VM, and they
 * are the acks' p99 (bench/webhook/README.md).
 */
export async function readJsonBody(request: FastifyRequest): Promise<unknown> {
  const type = request.headers['content-type'];
  if (type !== undefined && !/^application\/json\s*(;|$)/i.test(type)) throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `Unsupported Media Type: ${type}`);
  const limit = request.server.initialConfig.bodyLimit ?? 1024 * 1024;
  const tooLarge = () => new DomainError('PAYLOAD_TOO_LARGE', 'Request body is too large', { maxBytes: limit });
  if (Number(request.headers['content-length']) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request.raw as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    // The client went away mid-body ("aborted"): a 400 as Fastify's parser answers it, not a logged 500.
    throw Object.assign(new Error(`Request body not received in full: ${(error as Error).message}`), { statusCode: 400 });
  }
  const text = Buffer.concat(chunks, size).toString('utf8');
  return new Promise((resolve, reject) => parseJsonBody(request, text, (error, value) => (error ? reject(error) : resolve(value))));
}

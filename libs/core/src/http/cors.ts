import cors from '@fastify/cors';
import type { FastifyAdapter } from '@nestjs/platform-fastify';

/** What the Mini App (and the panel) send cross-origin: auth, JSON, idempotency, tracing. */
const ALLOWED_HEADERS = ['X-Telegram-Init-Data', 'Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-ID', 'X-API-Key'];
/** What a browser script may read back: ids to quote, when to retry, paging, the limits. */
const EXPOSED_HEADERS = ['X-Request-ID', 'Retry-After', 'X-Next-Cursor', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'];

/**
 * CORS for exactly these origins. Any other origin (or none: server-to-server) gets no CORS
 * headers at all, so the browser refuses to hand it the response. Auth is by header, never by
 * cookie, so no credentials mode.
 */
export async function registerCors(adapter: FastifyAdapter, origins: string[]): Promise<void> {
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  await adapter.register(cors as never, {
    origin: (origin: string | undefined, done: (error: Error | null, allow: boolean) => void) => done(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    // Browsers cap it anyway (Chrome: 2 h); saves a preflight per call.
    maxAge: 600,
  });
}

import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics';

/** Requests that matched no route share one label, so scanners probing random paths add no series. */
const UNMATCHED_ROUTE = 'unmatched';

/**
 * Times every request by its route pattern (`/api/v1/users/:id`, not the raw URL) in a Fastify
 * onResponse hook: it runs after the reply is sent and costs a histogram observe, where a Nest
 * interceptor would cost 60–80 µs per call (bench/api/README.md). Serves the registry at
 * GET /metrics, outside Nest's guards and rate limits; with METRICS_TOKEN set only a scraper
 * presenting it as a Bearer token is answered.
 */
export function registerMetricsRoutes(fastify: FastifyInstance, metrics: Metrics, token: string | undefined): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeHttp(request.method, request.routeOptions.url ?? UNMATCHED_ROUTE, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  fastify.get('/metrics', async (request, reply) => {
    if (expected && !sameBytes(Buffer.from(request.headers.authorization ?? ''), expected))
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ code: 'METRICS_TOKEN_REQUIRED', message: 'GET /metrics needs the METRICS_TOKEN as a Bearer token' });
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

function sameBytes(given: Buffer, expected: Buffer): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}

import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { adminRoleTooLow, roleAtLeast } from '@genbot/admin';
import { ALL_QUEUES, DomainError, REDIS } from '@genbot/core';
import { AdminAuthService } from '../../auth/admin-auth.service';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
/** Holds the access token for the dashboard's own pages and XHRs; scoped to its path, gone when the token expires. */
export const QUEUE_DASHBOARD_COOKIE = 'genbot_queues';

/**
 * bull-board (every BullMQ queue of genbot) at /admin/queues, for admins (it retries and removes
 * jobs, so support is refused). Access is an admin access token, either as a Bearer token or, for
 * a browser, in a cookie that `POST /admin/queues/session` with the Bearer token sets: HttpOnly,
 * SameSite=Strict, limited to this path and living only as long as the token. Every request is
 * checked like any admin call (session live, still an admin), so a logout or removal closes it.
 */
export async function mountQueueDashboard(nest: NestFastifyApplication): Promise<void> {
  const auth = nest.get(AdminAuthService);
  const redis = nest.get<symbol, Redis>(REDIS);
  const queues = ALL_QUEUES.map((name) => new Queue(name, { connection: redis, prefix: 'genbot' }));
  const board = new FastifyAdapter();
  board.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue)), serverAdapter: board, options: { uiConfig: { boardTitle: 'genbot queues' } } });

  const admit = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = bearerOf(request) ?? cookieOf(request, QUEUE_DASHBOARD_COOKIE);
    if (!token)
      return refuse(reply, new DomainError('AUTH_REQUIRED', 'Authentication required: an admin access token as Bearer or from POST /admin/queues/session'));
    try {
      const admin = await auth.authenticate(token);
      if (!roleAtLeast(admin.role, 'admin')) return refuse(reply, adminRoleTooLow('admin', admin.role));
    } catch (error) {
      if (error instanceof DomainError) return refuse(reply, error);
      throw error;
    }
  };

  await nest
    .getHttpAdapter()
    .getInstance()
    .register(
      async (scope) => {
        scope.addHook('onRequest', admit);
        scope.addHook('onClose', async () => void (await Promise.all(queues.map((queue) => queue.close().catch(() => undefined)))));
        scope.post('/session', async (request, reply) => {
          // The cookie is made from a Bearer token only: a page cannot stretch its own cookie.
          const token = bearerOf(request);
          if (!token) return refuse(reply, new DomainError('AUTH_REQUIRED', 'POST /admin/queues/session needs Authorization: Bearer <admin access token>'));
          const maxAge = Math.max(0, expiresAt(token) - Math.floor(Date.now() / 1000));
          const secure = request.protocol === 'https' ? '; Secure' : '';
          void reply.header(
            'set-cookie',
            `${QUEUE_DASHBOARD_COOKIE}=${token}; Path=${QUEUE_DASHBOARD_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure}`,
          );
          return reply.code(204).send();
        });
        await scope.register(board.registerPlugin());
      },
      { prefix: QUEUE_DASHBOARD_PATH },
    );
}

function refuse(reply: FastifyReply, error: DomainError) {
  const status = error.code === 'ADMIN_ROLE_FORBIDDEN' ? 403 : 401;
  return reply.code(status).send({ code: error.code, message: error.message, details: error.details ?? {} });
}

function bearerOf(request: FastifyRequest): string | undefined {
  const [scheme, token] = (request.headers.authorization ?? '').split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
}

function cookieOf(request: FastifyRequest, name: string): string | undefined {
  for (const pair of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = pair.trim().split('=');
    if (key === name && value.length) return value.join('=');
  }
  return undefined;
}

/** The `exp` of an access token that has just been verified. */
function expiresAt(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: number };
  return payload.exp ?? 0;
}

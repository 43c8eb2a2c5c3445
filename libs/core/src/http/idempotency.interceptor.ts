import { CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors, applyDecorators } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Redis from 'ioredis';
import { Observable, catchError, from, of, switchMap, throwError } from 'rxjs';
import { DomainError } from '../errors/domain-error';
import { InjectRedis } from '../redis/redis.provider';
import { canonicalJson } from './canonical-json';
import { idempotencyKeyFrom } from './params';
import { principalOf, scopedIdempotencyKey } from './principal';

const PENDING_TTL_SECONDS = 60;
const DONE_TTL_SECONDS = 24 * 3600;

interface Stored {
  fingerprint: string;
  state: 'pending' | 'done';
  body?: unknown;
}

/**
 * Honours `Idempotency-Key` on a route: the first request with a key runs, a repeat with the same
 * request replays the first response for 24 h, a repeat with a different request is a 409, and a
 * repeat while the first is still running is a 409 the client may retry. Keys are scoped by the
 * caller, so two clients cannot collide. A failed first attempt frees the key for a retry.
 */
export function Idempotent() {
  return applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe key: a repeat replays the first response (24 h)' }),
  );
}

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@InjectRedis() private readonly redis: Redis) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = idempotencyKeyFrom(request.headers['idempotency-key'], 255);
    if (header === undefined) return next.handle();
    const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
    const redisKey = `idem:${scopedIdempotencyKey(principalOf(request), route, header)}`;
    // Canonical, so a retry that sends the same fields in another order is the same request.
    const fingerprint = createHash('sha256')
      .update(canonicalJson([route, request.params ?? {}, request.query ?? {}, request.body ?? null]))
      .digest('hex');

    return from(this.claim(redisKey, fingerprint)).pipe(
      switchMap((stored) => {
        if (stored) return of(this.replay(stored, fingerprint, context));
        return next.handle().pipe(
          switchMap((body) =>
            from(this.redis.set(redisKey, JSON.stringify({ fingerprint, state: 'done', body } satisfies Stored), 'EX', DONE_TTL_SECONDS).then(() => body)),
          ),
          catchError((error: unknown) => from(this.redis.del(redisKey)).pipe(switchMap(() => throwError(() => error)))),
        );
      }),
    );
  }

  /** Returns the earlier record, or undefined when this request now owns the key. */
  private async claim(redisKey: string, fingerprint: string): Promise<Stored | undefined> {
    const pending: Stored = { fingerprint, state: 'pending' };
    const won = await this.redis.set(redisKey, JSON.stringify(pending), 'EX', PENDING_TTL_SECONDS, 'NX');
    if (won) return undefined;
    const raw = await this.redis.get(redisKey);
    return raw ? (JSON.parse(raw) as Stored) : this.claim(redisKey, fingerprint);
  }

  private replay(stored: Stored, fingerprint: string, context: ExecutionContext): unknown {
    if (stored.fingerprint !== fingerprint) throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request');
    if (stored.state === 'pending')
      throw new DomainError('IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed', { retryAfterSeconds: 1 });
    void context.switchToHttp().getResponse<FastifyReply>().header('idempotent-replayed', 'true');
    return stored.body;
  }
}

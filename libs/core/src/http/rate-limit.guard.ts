import { CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards, applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { normalizeIp } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error';
import { principalOf } from './principal';
import { RateLimitStorage, RateRule } from './rate-limit.storage';

const LIMIT = 'genbot:rate-limit';

/**
 * At most `limit` calls per caller in any `windowSeconds` on this route (a sliding window, shared
 * by every replica through Redis); the next call is a 429 with Retry-After. With `burst`, a token
 * bucket instead: `limit` per window sustained, up to `burst` at once. Put it after the auth
 * guard: the caller is the principal, or the client IP for anonymous routes.
 */
export function RateLimit(limit: number, windowSeconds: number, burst?: number) {
  const rule: RateRule =
    burst === undefined ? { kind: 'window', limit, windowMs: windowSeconds * 1000 } : { kind: 'bucket', perSecond: limit / windowSeconds, burst };
  return applyDecorators(SetMetadata(LIMIT, rule), UseGuards(RateLimitGuard));
}

/** The client as the limits see it: an IPv6 client owns its /64, so it cannot rotate addresses. */
export function clientKey(request: FastifyRequest): string {
  return `ip:${normalizeIp(request.ip)}`;
}

/** Takes one call from a bucket or window, sets the X-RateLimit-* headers, throws the 429. */
@Injectable()
export class RateLimiter {
  constructor(private readonly storage: RateLimitStorage) {}

  async enforce(reply: FastifyReply, key: string, rule: RateRule, options: { keepHeaders?: boolean } = {}): Promise<void> {
    const decision = await this.storage.take(`rl:${key}`, rule, Date.now());
    // The most specific limit (the route's) owns the headers; a broader one fills them if unset.
    if (!options.keepHeaders || !reply.hasHeader('x-ratelimit-limit')) {
      void reply
        .header('x-ratelimit-limit', String(rule.kind === 'window' ? rule.limit : rule.burst))
        .header('x-ratelimit-remaining', String(decision.remaining));
    }
    if (!decision.allowed) {
      const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      void reply.header('x-ratelimit-remaining', '0');
      throw new DomainError('RATE_LIMITED', `Too many requests: ${describe(rule)}`, { retryAfterSeconds });
    }
  }
}

function describe(rule: RateRule): string {
  return rule.kind === 'window' ? `at most ${rule.limit} per ${rule.windowMs / 1000} s` : `at most ${rule.perSecond} per second, ${rule.burst} at once`;
}

@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.get<RateRule>(LIMIT, context.getHandler());
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const caller = principalOf(request)?.name ?? clientKey(request);
    await this.limiter.enforce(context.switchToHttp().getResponse<FastifyReply>(), `route:${request.method} ${request.routeOptions.url}:${caller}`, rule);
    return true;
  }
}

import { CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards, applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Redis from 'ioredis';
import { DomainError } from '../errors/domain-error';
import { InjectRedis } from '../redis/redis.provider';
import { principalOf } from './principal';

const LIMIT = 'genbot:rate-limit';

/**
 * At most `limit` calls per caller per `windowSeconds` on this route, counted in Redis so every
 * replica shares the count; the next call is a 429 with Retry-After. Put it after the auth guard.
 */
export function RateLimit(limit: number, windowSeconds: number) {
  return applyDecorators(SetMetadata(LIMIT, { limit, windowSeconds }), UseGuards(RateLimitGuard));
}

@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @InjectRedis() private readonly redis: Redis,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { limit, windowSeconds } = this.reflector.get<{ limit: number; windowSeconds: number }>(LIMIT, context.getHandler());
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const caller = principalOf(request)?.name ?? request.ip;
    const window = Math.floor(Date.now() / 1000 / windowSeconds);
    const key = `rl:${request.routeOptions.url}:${caller}:${window}`;
    const [[, count]] = (await this.redis.multi().incr(key).expire(key, windowSeconds + 1).exec()) as [[null, number], [null, number]];
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    void reply.header('x-ratelimit-limit', String(limit)).header('x-ratelimit-remaining', String(Math.max(0, limit - count)));
    if (count > limit) {
      const retryAfterSeconds = (window + 1) * windowSeconds - Math.floor(Date.now() / 1000);
      throw new DomainError('RATE_LIMITED', `Too many requests: at most ${limit} per ${windowSeconds} s`, { retryAfterSeconds: Math.max(1, retryAfterSeconds) });
    }
    return true;
  }
}

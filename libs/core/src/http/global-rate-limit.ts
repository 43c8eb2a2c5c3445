import { CallHandler, CanActivate, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { AppConfig } from '../config/app-config';
import { principalOf } from './principal';
import { RateLimiter, clientKey } from './rate-limit.guard';

// @nestjs/throttler's SkipThrottle() marks a route or controller this way; we honour it too.
const SKIP = 'THROTTLER:SKIPdefault';
// Probes and scrapers call often by design; Telegram's webhook comes from a few shared IPs and
// is authenticated by its secret token.
const EXEMPT = /^(?:\/metrics|\/telegram\/webhook|(?:\/.*)?\/health(?:\/ready)?)$/;
const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'x-telegram-init-data'];
const CHARGED = Symbol('genbot.rateLimitCharged');

type Charged = { [CHARGED]?: boolean };

// Per handler and path (one handler may serve several): neither changes, so neither does the answer.
const exemptRoutes = new WeakMap<object, Map<string, boolean>>();

function exempt(context: ExecutionContext, reflector: Reflector): boolean {
  const handler = context.getHandler();
  const url = context.switchToHttp().getRequest<FastifyRequest>().routeOptions.url ?? '';
  let byUrl = exemptRoutes.get(handler);
  if (!byUrl) exemptRoutes.set(handler, (byUrl = new Map()));
  let answer = byUrl.get(url);
  if (answer === undefined) {
    answer = EXEMPT.test(url) || reflector.getAllAndOverride<boolean>(SKIP, [handler, context.getClass()]) === true;
    byUrl.set(url, answer);
  }
  return answer;
}

/**
 * The global per-IP limit for anonymous calls, before any work is done. It runs before the
 * auth guards, so it cannot know the caller yet: calls that carry credentials pass here and are
 * limited per caller by the interceptor below (many users share one carrier NAT address).
 */
@Injectable()
export class GlobalIpRateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.config.rateLimits.ip;
    const request = context.switchToHttp().getRequest<FastifyRequest & Charged>();
    if (!rule || context.getType() !== 'http') return true;
    if (CREDENTIAL_HEADERS.some((name) => request.headers[name] !== undefined) || exempt(context, this.reflector)) return true;
    request[CHARGED] = true;
    await this.limiter.enforce(context.switchToHttp().getResponse<FastifyReply>(), `global:${clientKey(request)}`, rule);
    return true;
  }
}

/**
 * The global per-caller limit, after the auth guards have named the caller (an interceptor,
 * because Nest runs global guards before a route's own). A public route called with credentials
 * it does not check is still an anonymous call, counted per IP here.
 */
@Injectable()
export class GlobalRateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http' || exempt(context, this.reflector)) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & Charged>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const principal = principalOf(request);
    const { principal: perCaller, ip: perIp } = this.config.rateLimits;
    if (principal && perCaller) await this.limiter.enforce(reply, `global:${principal.name}`, perCaller, { keepHeaders: true });
    else if (!principal && !request[CHARGED] && perIp) await this.limiter.enforce(reply, `global:${clientKey(request)}`, perIp, { keepHeaders: true });
    return next.handle();
  }
}

import { CallHandler, CanActivate, ExecutionContext, Injectable, NestInterceptor, SetMetadata, UseGuards, applyDecorators } from '@nestjs/common';
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

const CALLER_LIMITED = 'genbot:caller-limited';

/** How the global limits treat a route: not at all, per caller after its auth guard, or per IP before any work. */
type RoutePolicy = 'exempt' | 'caller' | 'open';

// Per handler and path (one handler may serve several): neither changes, so neither does the answer.
const policies = new WeakMap<object, Map<string, RoutePolicy>>();

function policyOf(context: ExecutionContext, reflector: Reflector): RoutePolicy {
  const handler = context.getHandler();
  const url = context.switchToHttp().getRequest<FastifyRequest>().routeOptions.url ?? '';
  let byUrl = policies.get(handler);
  if (!byUrl) policies.set(handler, (byUrl = new Map()));
  let policy = byUrl.get(url);
  if (policy === undefined) {
    const targets = [handler, context.getClass()];
    if (EXEMPT.test(url) || reflector.getAllAndOverride<boolean>(SKIP, targets) === true) policy = 'exempt';
    else policy = reflector.getAllAndOverride<boolean>(CALLER_LIMITED, targets) === true ? 'caller' : 'open';
    byUrl.set(url, policy);
  }
  return policy;
}

/**
 * For an app's auth decorator, after its own guard: the global per-caller limit, charged once the
 * caller is known. A guard rather than a global interceptor, which would make Nest wrap every
 * call in rxjs (60–80 µs a call with the limit's Redis script, bench/api). The global guard
 * below leaves such routes to it.
 */
export function CallerRateLimited() {
  return applyDecorators(SetMetadata(CALLER_LIMITED, true), UseGuards(CallerRateLimitGuard));
}

export interface GlobalRateLimitOptions {
  /**
   * Whether calls with credentials on routes not marked `CallerRateLimited` are left to
   * `GlobalRateLimitInterceptor` (apps whose auth decorators do not mark their routes yet).
   * Otherwise every call of such a route is anonymous, counted per IP here: credentials a route
   * does not check open no way around the limit.
   */
  credentialedCallsToInterceptor: boolean;
}

/**
 * The global per-IP limit for anonymous calls, before any work is done. It runs before the
 * auth guards, so it cannot know the caller yet: routes whose auth decorator adds
 * `CallerRateLimited` are limited per caller after it (many users share one carrier NAT address).
 */
@Injectable()
export class GlobalIpRateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
    private readonly options: GlobalRateLimitOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.config.rateLimits.ip;
    if (!rule || context.getType() !== 'http' || policyOf(context, this.reflector) !== 'open') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & Charged>();
    if (this.options.credentialedCallsToInterceptor && CREDENTIAL_HEADERS.some((name) => request.headers[name] !== undefined)) return true;
    request[CHARGED] = true;
    await this.limiter.enforce(context.switchToHttp().getResponse<FastifyReply>(), `global:${clientKey(request)}`, rule);
    return true;
  }
}

/** Charges the caller the auth guard before it named (see `CallerRateLimited`). */
@Injectable()
export class CallerRateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || policyOf(context, this.reflector) === 'exempt') return true;
    await charge(context, this.limiter, this.config);
    return true;
  }
}

/**
 * The global per-caller limit, after the auth guards have named the caller (an interceptor,
 * because Nest runs global guards before a route's own), for apps whose auth decorators do not
 * add `CallerRateLimited`. A public route called with credentials it does not check is still an
 * anonymous call, counted per IP here.
 */
@Injectable()
export class GlobalRateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() === 'http' && policyOf(context, this.reflector) === 'open') await charge(context, this.limiter, this.config);
    return next.handle();
  }
}

/** The caller per principal, or per IP when no guard named one and the IP limit has not charged this call yet. */
async function charge(context: ExecutionContext, limiter: RateLimiter, config: AppConfig): Promise<void> {
  const request = context.switchToHttp().getRequest<FastifyRequest & Charged>();
  const reply = context.switchToHttp().getResponse<FastifyReply>();
  const principal = principalOf(request);
  const { principal: perCaller, ip: perIp } = config.rateLimits;
  if (principal && perCaller) await limiter.enforce(reply, `global:${principal.name}`, perCaller, { keepHeaders: true });
  else if (!principal && !request[CHARGED] && perIp) await limiter.enforce(reply, `global:${clientKey(request)}`, perIp, { keepHeaders: true });
}

import { CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards, applyDecorators, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiSecurity } from '@nestjs/swagger';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppConfig, CallerRateLimited, DomainError, Principal, principalOf, setPrincipal } from '@genbot/core';
import { InitData, parseAuthorizationInitData, validateInitData } from '@genbot/telegram';
import { User, UsersService, userBanned, userNotFound } from '@genbot/users';
import { UserSessionsService } from './user-sessions.service';

type AuthKind = 'service' | 'miniapp';
const AUTH_KINDS = 'genbot:auth-kinds';
const INIT_DATA = Symbol('genbot.initData');
/** The Mini App caller's user, loaded once by the guard for the whole request. */
const CALLER = new WeakMap<Principal, User>();

/**
 * Marks a route as callable by service clients (`X-API-Key`), Mini App users (initData), or
 * either. Several routes exist in both worlds with one path (seed 001's and seed 002's), so the
 * handler reads the principal to know which one is calling.
 */
export function Auth(...kinds: AuthKind[]) {
  return applyDecorators(
    SetMetadata(AUTH_KINDS, kinds),
    UseGuards(AuthGuard),
    // The global per-caller limit, once AuthGuard has named the caller.
    CallerRateLimited(),
    ...kinds.map((kind) => ApiSecurity(kind === 'service' ? 'api-key' : 'init-data')),
  );
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext) => principalOf(ctx.switchToHttp().getRequest<FastifyRequest>()));

/** The verified initData of a Mini App call. */
export const CurrentInitData = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  return (ctx.switchToHttp().getRequest<FastifyRequest>() as unknown as Record<symbol, InitData>)[INIT_DATA];
});

/**
 * The Mini App caller's account, as the guard loaded it for this request (the handler needs no
 * second lookup). Undefined for service callers and for a Telegram user who has not synced yet.
 */
export function callerUser(principal: Principal | undefined): User | undefined {
  return principal ? CALLER.get(principal) : undefined;
}

/** `callerUser`, or 404 USER_NOT_FOUND when the caller has no account yet (call /users/sync first). */
export function requireCallerUser(principal: Principal): User {
  const user = callerUser(principal);
  if (!user) throw userNotFound(principal.kind === 'miniapp' ? { telegramId: principal.telegramId } : undefined);
  return user;
}

/** A Mini App user may only touch their own Telegram id; service clients act for anyone. */
export function assertOwnTelegramId(principal: Principal | undefined, telegramId: string): void {
  if (principal?.kind === 'miniapp' && principal.telegramId !== telegramId) {
    throw new DomainError('USER_FORBIDDEN', 'You can only access your own data');
  }
}

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly keyDigests: { name: string; digest: Buffer }[];

  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly sessions: UserSessionsService,
  ) {
    this.keyDigests = config.env.SERVICE_API_KEYS.map(({ name, key }) => ({ name, digest: sha256(key) }));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const kinds = this.reflector.get<AuthKind[]>(AUTH_KINDS, context.getHandler()) ?? this.reflector.get<AuthKind[]>(AUTH_KINDS, context.getClass());
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const apiKey = request.headers['x-api-key'];
    const rawInitData = parseAuthorizationInitData(request.headers as Record<string, string | undefined>);

    if (kinds.includes('service') && apiKey !== undefined) {
      setPrincipal(request, { kind: 'service', name: this.serviceName(apiKey) });
      return true;
    }
    if (kinds.includes('miniapp') && rawInitData !== undefined) {
      const initData = this.verifyInitData(rawInitData);
      const telegramId = String(initData.user.id);
      // Cached (memory, then Redis): a ban reaches every process's copy through UsersService's invalidation.
      const user = await this.users.findByTelegramIdCached(telegramId);
      if (user?.isBanned) throw userBanned();
      (request as unknown as Record<symbol, InitData>)[INIT_DATA] = initData;
      const principal: Principal = { kind: 'miniapp', name: `tg:${telegramId}`, telegramId };
      setPrincipal(request, principal);
      if (user) CALLER.set(principal, user);
      return true;
    }
    // An app outside Telegram: a user access token from POST /api/v1/auth/telegram stands in for initData.
    const bearer = kinds.includes('miniapp') && rawInitData === undefined ? this.sessions.bearerOf(request) : undefined;
    if (bearer !== undefined) {
      const { principal, user } = await this.sessions.authenticate(request, bearer);
      if (user) CALLER.set(principal, user);
      return true;
    }
    const expected = kinds.map((kind) => (kind === 'service' ? 'X-API-Key' : 'X-Telegram-Init-Data')).join(' or ');
    throw new DomainError('AUTH_REQUIRED', `Authentication required: send ${expected}`);
  }

  /** Compares against every configured key in constant time; no early exit reveals which matched. */
  private serviceName(given: string | string[]): string {
    const digest = sha256(Array.isArray(given) ? given.join(',') : given);
    let name: string | undefined;
    for (const key of this.keyDigests) if (timingSafeEqual(digest, key.digest) && name === undefined) name = key.name;
    if (!name) throw new DomainError('AUTH_API_KEY_INVALID', 'Invalid API key');
    return name;
  }

  private verifyInitData(raw: string): InitData {
    const token = this.config.env.BOT_TOKEN;
    if (!token) throw new DomainError('AUTH_INIT_DATA_INVALID', 'Mini App authentication is not configured on this server (BOT_TOKEN is unset)');
    return validateInitData(raw, token, { maxAgeSeconds: this.config.env.INIT_DATA_MAX_AGE_SECONDS });
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IssuedSession, TokenService } from '@genbot/auth';
import { AppConfig, DomainError, Principal, setPrincipal } from '@genbot/core';
import { OnboardingService } from '@genbot/growth';
import { validateInitData, verifyLoginWidget } from '@genbot/telegram';
import { User, UsersService, userBanned } from '@genbot/users';

/** A Login Widget payload is as old as its initData may be. */
export interface SignInInput {
  initData?: string;
  loginWidget?: Record<string, string | number>;
}

/**
 * Seed 004's first-party app sessions: Telegram proves who the user is once (Mini App initData
 * or the Login Widget), and an app outside Telegram then calls the Mini App endpoints with
 * `Authorization: Bearer <access token>`, refreshing with the same rotation and reuse detection
 * as admins. Kept apart from AuthGuard so the initData path stays exactly as it was.
 */
@Injectable()
export class UserSessionsService {
  constructor(
    private readonly tokens: TokenService,
    private readonly onboarding: OnboardingService,
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  async signIn(input: SignInInput): Promise<{ session: IssuedSession; user: User; created: boolean }> {
    const botToken = this.config.env.BOT_TOKEN;
    if (!botToken) throw new DomainError('AUTH_LOGIN_INVALID', 'Telegram sign-in is not configured on this server (BOT_TOKEN is unset)');
    const maxAgeSeconds = this.config.env.INIT_DATA_MAX_AGE_SECONDS;
    const tg =
      input.initData !== undefined
        ? validateInitData(input.initData, botToken, { maxAgeSeconds }).user
        : verifyLoginWidget(input.loginWidget ?? {}, botToken, { maxAgeSeconds });
    const { user, created } = await this.onboarding.register({
      telegramId: String(tg.id),
      username: tg.username,
      firstName: tg.firstName,
      lastName: tg.lastName,
      languageCode: 'languageCode' in tg ? tg.languageCode : undefined,
      avatarUrl: tg.photoUrl,
    });
    if (user.isBanned) throw userBanned();
    const session = await this.tokens.issue(
      { kind: 'user', telegramId: user.telegramId },
      { firstName: tg.firstName, ...(tg.username ? { username: tg.username } : {}) },
    );
    return { session, user, created };
  }

  /** A banned user's refresh is refused (and the token stays dead with the ban). */
  async refresh(refreshToken: string): Promise<IssuedSession> {
    const { session } = await this.tokens.rotate(refreshToken, 'user', async ({ telegramId }) => {
      if ((await this.users.findByTelegramIdCached(telegramId))?.isBanned) throw userBanned();
    });
    return session;
  }

  logout(refreshToken: string): Promise<void> {
    return this.tokens.revoke(refreshToken, 'user');
  }

  /** `Authorization: Bearer …` (not `tma …`), or undefined when the request carries none. */
  bearerOf(request: FastifyRequest): string | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization?.trim() ?? '');
    return match?.[1];
  }

  /** The guard's bearer path: the same principal, cached user and ban check as the initData path. */
  async authenticate(request: FastifyRequest, accessToken: string): Promise<{ principal: Principal; user: User | undefined }> {
    const { sub: telegramId } = await this.tokens.verifyAccess(accessToken, 'user');
    const user = await this.users.findByTelegramIdCached(telegramId);
    if (user?.isBanned) throw userBanned();
    const principal: Principal = { kind: 'miniapp', name: `tg:${telegramId}`, telegramId };
    setPrincipal(request, principal);
    return { principal, user };
  }
}

import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig, DomainError } from '@genbot/core';
import { verifyLoginWidget } from '@genbot/telegram';

export interface AdminClaims {
  sub: string;
  username?: string;
  firstName: string;
  role: 'admin';
}

const LOGIN_MAX_AGE_SECONDS = 24 * 3600;

/** Telegram Login Widget in, JWT out, for the Telegram ids in ADMIN_TELEGRAM_IDS only. */
@Injectable()
export class AdminAuthService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  async login(widget: Record<string, string | number>): Promise<{ accessToken: string; expiresIn: number; claims: AdminClaims }> {
    const token = this.config.env.BOT_TOKEN;
    if (!token) throw new DomainError('SERVICE_UNAVAILABLE', 'Admin login needs BOT_TOKEN: the Login Widget is signed with the bot token');
    const user = verifyLoginWidget(widget, token, { maxAgeSeconds: LOGIN_MAX_AGE_SECONDS });
    const telegramId = String(user.id);
    this.assertAllowed(telegramId);
    const claims: AdminClaims = { sub: telegramId, firstName: user.firstName, role: 'admin', ...(user.username ? { username: user.username } : {}) };
    const expiresIn = this.config.env.JWT_TTL_SECONDS;
    return { accessToken: await this.jwt.signAsync(claims, { expiresIn }), expiresIn, claims };
  }

  /** Checked on every request too, so removing an id from the allow-list takes effect at once. */
  assertAllowed(telegramId: string): void {
    if (!this.config.env.ADMIN_TELEGRAM_IDS.includes(telegramId)) throw new DomainError('ADMIN_NOT_ALLOWED', 'This Telegram account is not an administrator');
  }

  async verify(token: string): Promise<AdminClaims> {
    try {
      const claims = await this.jwt.verifyAsync<AdminClaims>(token);
      if (claims.role !== 'admin' || typeof claims.sub !== 'string') throw new Error('not an admin token');
      return claims;
    } catch {
      throw new DomainError('AUTH_TOKEN_INVALID', 'Invalid or expired token');
    }
  }
}

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

/**
 * Pinned here rather than trusted from the token: the algorithm (never `none`, never one an
 * attacker picks), who issued it and whom it is for, so a token minted for another genbot API
 * with the same secret is no key to this one.
 */
const TOKEN_RULES = { algorithms: ['HS256' as const], issuer: 'genbot-admin', audience: 'genbot-admin-api' };

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
    return {
      accessToken: await this.jwt.signAsync(claims, { expiresIn, algorithm: 'HS256', issuer: TOKEN_RULES.issuer, audience: TOKEN_RULES.audience }),
      expiresIn,
      claims,
    };
  }

  /** Checked on every request too, so removing an id from the allow-list takes effect at once. */
  assertAllowed(telegramId: string): void {
    if (!this.config.env.ADMIN_TELEGRAM_IDS.includes(telegramId)) throw new DomainError('ADMIN_NOT_ALLOWED', 'This Telegram account is not an administrator');
  }

  async verify(token: string): Promise<AdminClaims> {
    try {
      const claims = await this.jwt.verifyAsync<AdminClaims & { exp?: unknown; iat?: unknown }>(token, TOKEN_RULES);
      if (claims.role !== 'admin' || typeof claims.sub !== 'string') throw new Error('not an admin token');
      // jsonwebtoken accepts a token without exp as valid forever; ours always expire, and a
      // lifetime longer than we ever issue means it was not minted by login.
      if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number') throw new Error('no expiry');
      if (claims.exp - claims.iat > this.config.env.JWT_TTL_SECONDS) throw new Error('lifetime too long');
      return { sub: claims.sub, firstName: claims.firstName, role: claims.role, ...(claims.username ? { username: claims.username } : {}) };
    } catch {
      throw new DomainError('AUTH_TOKEN_INVALID', 'Invalid or expired token');
    }
  }
}

import { Injectable } from '@nestjs/common';
import { AdminRole, AdminsService, adminNotAllowed } from '@genbot/admin';
import { IssuedSession, SubjectProfile, TokenService } from '@genbot/auth';
import { AppConfig, DomainError } from '@genbot/core';
import { verifyLoginWidget } from '@genbot/telegram';

/** An authenticated admin as a request sees them: the role is re-read per request, never taken from the token. */
export interface AdminPrincipal extends SubjectProfile {
  telegramId: string;
  role: AdminRole;
}

const LOGIN_MAX_AGE_SECONDS = 24 * 3600;

/** The client's address (after TRUST_PROXY) is this machine's. */
function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

/** Telegram Login Widget in, a session (access + refresh token) out, for admins only. */
@Injectable()
export class AdminAuthService {
  constructor(
    private readonly tokens: TokenService,
    private readonly admins: AdminsService,
    private readonly config: AppConfig,
  ) {}

  async login(widget: Record<string, string | number>): Promise<{ session: IssuedSession; admin: AdminPrincipal }> {
    const token = this.config.env.BOT_TOKEN;
    if (!token) throw new DomainError('SERVICE_UNAVAILABLE', 'Admin login needs BOT_TOKEN: the Login Widget is signed with the bot token');
    const user = verifyLoginWidget(widget, token, { maxAgeSeconds: LOGIN_MAX_AGE_SECONDS });
    const telegramId = String(user.id);
    const role = await this.requireRole(telegramId);
    const profile: SubjectProfile = { firstName: user.firstName, ...(user.username ? { username: user.username } : {}) };
    return { session: await this.tokens.issue({ kind: 'admin', telegramId }, profile), admin: { telegramId, role, ...profile } };
  }

  /**
   * The panel's sign-in on a developer's machine, where the Login Widget cannot work (it needs the
   * bot's domain set in @BotFather): an admin's Telegram id alone. Refused as if the route did not
   * exist in production, and from any other machine (NODE_ENV defaults to development, so a
   * server started without it must not hand out sessions to whoever knows an owner's id).
   */
  async devLogin(telegramId: string, ip: string): Promise<{ session: IssuedSession; admin: AdminPrincipal }> {
    if (!this.devLoginAllowed(ip)) throw new DomainError('NOT_FOUND', 'Dev sign-in exists only outside production, from the same machine');
    const role = await this.requireRole(telegramId);
    const profile: SubjectProfile = { firstName: `dev ${telegramId}` };
    return { session: await this.tokens.issue({ kind: 'admin', telegramId }, profile), admin: { telegramId, role, ...profile } };
  }

  devLoginAllowed(ip: string): boolean {
    return !this.config.isProduction && isLoopback(ip);
  }

  /** Rotates the refresh token; an admin removed since their login is refused, and their token left dead. */
  async refresh(refreshToken: string): Promise<{ session: IssuedSession; admin: AdminPrincipal }> {
    let role: AdminRole | undefined;
    const { subject, profile, session } = await this.tokens.rotate(refreshToken, 'admin', async ({ telegramId }) => {
      role = await this.requireRole(telegramId);
    });
    return { session, admin: { telegramId: subject.telegramId, role: role as AdminRole, ...profile } };
  }

  logout(refreshToken: string): Promise<void> {
    return this.tokens.revoke(refreshToken, 'admin');
  }

  /** Every request: the token's signature, its session still live, and the holder still an admin (with today's role). */
  async authenticate(accessToken: string): Promise<AdminPrincipal> {
    const claims = await this.tokens.verifyAccess(accessToken, 'admin');
    return { telegramId: claims.sub, role: await this.requireRole(claims.sub), ...claims.profile };
  }

  private async requireRole(telegramId: string): Promise<AdminRole> {
    const role = await this.admins.roleOf(telegramId);
    if (!role) throw adminNotAllowed();
    return role;
  }
}

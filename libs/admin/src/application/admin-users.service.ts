import { Injectable, Logger } from '@nestjs/common';
import { LedgerService } from '@genbot/ledger';
import { TelegramSender } from '@genbot/telegram';
import { User, UsersService, preferredLanguage } from '@genbot/users';
import { AuditActor } from '../domain/admin-role';
import { banNotice } from '../domain/user-notices';
import { AdminAudit } from './admin-audit.service';

export interface AdminUserDetails {
  user: User;
  balance: number;
  reserved: number;
  available: number;
  invitedCount: number;
}

/** Operators' view of users (search, details) and their bans, each ban audited with the change. */
@Injectable()
export class AdminUsersService {
  private readonly logger = new Logger(AdminUsersService.name);

  constructor(
    private readonly users: UsersService,
    private readonly ledger: LedgerService,
    private readonly audit: AdminAudit,
    private readonly telegram: TelegramSender,
  ) {}

  search(query: string | undefined, offset: number, limit: number): Promise<User[]> {
    return this.users.search(query, offset, limit);
  }

  async details(telegramId: string): Promise<AdminUserDetails> {
    const user = await this.users.getByTelegramId(telegramId);
    const [balance, { invitedCount }] = await Promise.all([this.ledger.balance(user.id), this.users.referralSummary(user)]);
    return { user, ...balance, invitedCount };
  }

  /**
   * Bans or unbans; the user is told in their language. Setting the state the user is already
   * in changes nothing: no audit row, no message.
   */
  async setBanned(actor: AuditActor, telegramId: string, banned: boolean, reason: string | null): Promise<User> {
    const user = await this.users.getByTelegramId(telegramId);
    if (user.isBanned === banned) return user;
    const { after } = await this.users.changeBan(user.id, banned, reason, (em, { before, after }) =>
      this.audit.recordBy(em, actor, {
        action: banned ? 'user.ban' : 'user.unban',
        targetType: 'user',
        targetId: telegramId,
        before: { isBanned: before.isBanned, banReason: before.banReason },
        after: { isBanned: after.isBanned, banReason: after.banReason },
      }),
    );
    await this.notify(after, banned, reason);
    return after;
  }

  /** Best effort, after the commit: a user who blocked the bot or a Telegram outage does not undo a ban. */
  private async notify(user: User, banned: boolean, reason: string | null): Promise<void> {
    if (!this.telegram.enabled) return;
    try {
      await this.telegram.sendText(user.telegramId, banNotice(preferredLanguage(user, user.languageCode), banned, reason));
    } catch (error) {
      this.logger.warn(`ban notice to ${user.telegramId} not sent: ${(error as Error).message}`);
    }
  }
}

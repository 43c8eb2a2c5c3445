import { Injectable } from '@nestjs/common';
import { parseStartPayload } from '../domain/start-payload';
import { Language, User } from '../domain/user';
import { userNotFound } from '../domain/users.errors';
import { UsersRepository } from '../infrastructure/users.repository';

export interface RegisterInput {
  telegramId: string;
  username?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  languageCode?: string | null;
  anonUserId?: string | null;
  avatarUrl?: string | null;
  /** A referrer's code (`refCode` of seed 001, or the `ref_` start payload). */
  refCode?: string | null;
  /** An advertising source tag (the `src_` start payload). */
  source?: string | null;
}

export interface ReferralSummary {
  referralCode: string;
  invitedCount: number;
}

@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  /**
   * Creates the user on first contact or refreshes their Telegram profile. A referrer is linked
   * only when this call creates the user, never to the user themself and never re-linked; an
   * unknown code is ignored rather than failing a login.
   */
  async register(input: RegisterInput): Promise<{ user: User; created: boolean }> {
    let referrerId: string | null = null;
    if (input.refCode) {
      const referrer = await this.users.findOne({ referralCode: input.refCode.toLowerCase() });
      if (referrer && referrer.telegramId !== input.telegramId) referrerId = referrer.id;
    }
    return this.users.upsert({ ...input, referrerId, advertisingSource: input.source ?? null });
  }

  /** `/start <payload>` from the bot: the same registration with the payload decoded. */
  registerFromStart(input: Omit<RegisterInput, 'refCode' | 'source'>, payload: string | undefined): Promise<{ user: User; created: boolean }> {
    const { refCode, source } = parseStartPayload(payload);
    return this.register({ ...input, refCode, source });
  }

  async getById(id: string): Promise<User> {
    return (await this.users.findOne({ id })) ?? throwNotFound({ userId: id });
  }

  findByTelegramId(telegramId: string): Promise<User | undefined> {
    return this.users.findOne({ telegramId });
  }

  async getByTelegramId(telegramId: string): Promise<User> {
    return (await this.users.findOne({ telegramId })) ?? throwNotFound({ telegramId });
  }

  async setConsent(id: string, consentPd: boolean): Promise<User> {
    return (await this.users.update(id, { consent_pd: consentPd, consent_pd_at: consentPd ? new Date() : null })) ?? throwNotFound({ userId: id });
  }

  async setLanguage(id: string, language: Language): Promise<User> {
    return (await this.users.update(id, { language })) ?? throwNotFound({ userId: id });
  }

  /** Whether the user has blocked the bot; sends to a blocked user are pointless until they return. */
  setBlocked(by: { id: string } | { telegramId: string }, blocked: boolean): Promise<void> {
    return this.users.setBlocked(by, blocked);
  }

  recordActivity(userId: string): Promise<void> {
    return this.users.recordActivity(userId);
  }

  async referralSummary(user: User): Promise<ReferralSummary> {
    return { referralCode: user.referralCode, invitedCount: await this.users.countInvited(user.id) };
  }
}

function throwNotFound(details: Record<string, unknown>): never {
  throw userNotFound(details);
}

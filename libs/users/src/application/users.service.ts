import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CacheBus, DomainError, LayeredCache, reviveDates } from '@genbot/core';
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

/** Seed 002 keeps user profiles 5 minutes; a minute of that in each process's memory. */
const MEMORY_TTL_MS = 60_000;
const REDIS_TTL_SECONDS = 300;
/** How stale `last_activity_at` may be: a returning user seen more recently than this, with an unchanged profile, costs no write. */
const ACTIVITY_RESOLUTION_MS = 60_000;
const PROFILE_FIELDS = ['username', 'firstName', 'lastName', 'languageCode', 'anonUserId', 'avatarUrl'] as const;
/** The user's Date fields, which the cache's JSON carries as strings. */
const DATE_FIELDS = ['consentPdAt', 'blockedAt', 'reviewedAt', 'lastActivityAt', 'createdAt', 'updatedAt'] as const;

@Injectable()
export class UsersService {
  /** By Telegram id, the key every Mini App call arrives with. Every write below invalidates it. */
  private readonly cache: LayeredCache<User>;

  constructor(
    private readonly users: UsersRepository,
    caches: CacheBus,
  ) {
    this.cache = caches.create<User>({
      namespace: 'users',
      memoryTtlMs: MEMORY_TTL_MS,
      redisTtlSeconds: REDIS_TTL_SECONDS,
      decode: reviveDates<User>(DATE_FIELDS),
    });
  }

  /**
   * Creates the user on first contact or refreshes their Telegram profile. A referrer is linked
   * only when this call creates the user, never to the user themself and never re-linked; an
   * unknown code is ignored rather than failing a login.
   */
  async register(input: RegisterInput): Promise<{ user: User; created: boolean }> {
    // Every bot update registers its sender; the usual one (a known user, nothing new) is answered
    // from the cache. A referral code or a source may still apply, so those always go to the database.
    if (!input.refCode && !input.source) {
      const known = await this.findByTelegramIdCached(input.telegramId);
      if (known && unchangedProfile(known, input) && seenWithin(known, ACTIVITY_RESOLUTION_MS)) return { user: known, created: false };
    }
    let referrerId: string | null = null;
    if (input.refCode) {
      const referrer = await this.users.findOne({ referralCode: input.refCode.toLowerCase() });
      if (referrer && referrer.telegramId !== input.telegramId) referrerId = referrer.id;
    }
    return this.changed(await this.users.upsert({ ...input, referrerId, advertisingSource: input.source ?? null }));
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

  /**
   * The user through the cache, for the hot read path (every Mini App call's auth). A change
   * made through this service reaches every process's copy before the next read there: a ban or
   * a language takes effect at once, not after the TTL. A change made around it (raw SQL) waits
   * for the TTL.
   */
  findByTelegramIdCached(telegramId: string): Promise<User | undefined> {
    return this.cache.get(telegramId, () => this.users.findOne({ telegramId }));
  }

  findByUsername(username: string): Promise<User | undefined> {
    return this.users.findByUsername(username.replace(/^@/, ''));
  }

  /** Seed 000's daily report: users registered on `day` (YYYY-MM-DD, in the database's time zone) and users active that day. */
  async dayCounts(day: string): Promise<{ newUsers: number; activeUsers: number }> {
    const [newUsers, activeUsers] = await Promise.all([this.users.countRegistered(day), this.users.countActive(day)]);
    return { newUsers, activeUsers };
  }

  async getByTelegramId(telegramId: string): Promise<User> {
    return (await this.users.findOne({ telegramId })) ?? throwNotFound({ telegramId });
  }

  async setConsent(id: string, consentPd: boolean): Promise<User> {
    return this.updated(id, await this.users.update(id, { consent_pd: consentPd, consent_pd_at: consentPd ? new Date() : null }));
  }

  async setLanguage(id: string, language: Language): Promise<User> {
    return this.updated(id, await this.users.update(id, { language }));
  }

  /** Remembered between video wizard runs (seed 000's `selected_voice_id`); null forgets it. */
  async setSelectedVoice(id: string, voiceId: string | null): Promise<User> {
    if (voiceId !== null && !/^[\w-]{1,64}$/.test(voiceId))
      throw new DomainError('VALIDATION_FAILED', 'A voice id is 1 to 64 letters, digits, _ or -', { fields: [{ field: 'voiceId', problems: ['invalid'] }] });
    return this.updated(id, await this.users.update(id, { selected_voice_id: voiceId }));
  }

  /** A banned user is refused by every API and the bot, from their next call in any process. */
  async setBanned(id: string, banned: boolean, reason?: string | null): Promise<User> {
    return this.updated(id, await this.users.update(id, { is_banned: banned, ban_reason: banned ? (reason ?? null) : null }));
  }

  /**
   * A ban or unban by an operator, with `within` run in the same transaction once the row has
   * changed (the admin audit row): both commit or neither does. The cached copies in every
   * process are dropped after the commit, so no reader can cache the old row under the new version.
   */
  async changeBan(
    id: string,
    banned: boolean,
    reason: string | null,
    within: (em: EntityManager, change: { before: User; after: User }) => Promise<void>,
  ): Promise<{ before: User; after: User }> {
    const change = await this.users.transaction(async (em) => {
      const before = (await this.users.lock(id, em)) ?? throwNotFound({ userId: id });
      const after = (await this.users.update(id, { is_banned: banned, ban_reason: banned ? reason : null, banned_at: banned ? new Date() : null }, em)) as User;
      await within(em, { before, after });
      return { before, after };
    });
    await this.cache.invalidate(change.after.telegramId);
    return change;
  }

  /** Operators' search: exact Telegram id or referral code, or a username prefix; newest first. */
  search(query: string | undefined, offset: number, limit: number): Promise<User[]> {
    return this.users.search(query, offset, limit);
  }

  /** Seed 001's `hasLeftReview` becomes true, once. */
  async markReviewed(id: string): Promise<User> {
    return this.updated(id, await this.users.markReviewed(id));
  }

  /** Whether the user has blocked the bot; sends to a blocked user are pointless until they return. */
  async setBlocked(by: { id: string } | { telegramId: string }, blocked: boolean): Promise<void> {
    const telegramId = await this.users.setBlocked(by, blocked);
    if (telegramId) await this.cache.invalidate(telegramId);
  }

  recordActivity(userId: string): Promise<void> {
    return this.users.recordActivity(userId);
  }

  async referralSummary(user: User): Promise<ReferralSummary> {
    return { referralCode: user.referralCode, invitedCount: await this.users.countInvited(user.id) };
  }

  private async changed<R extends { user: User }>(result: R): Promise<R> {
    await this.cache.invalidate(result.user.telegramId);
    return result;
  }

  private async updated(id: string, user: User | undefined): Promise<User> {
    if (!user) throwNotFound({ userId: id });
    await this.cache.invalidate(user.telegramId);
    return user;
  }
}

function throwNotFound(details: Record<string, unknown>): never {
  throw userNotFound(details);
}

/** Nothing `input` gives differs from what is stored (an omitted field keeps its value). */
function unchangedProfile(user: User, input: RegisterInput): boolean {
  return PROFILE_FIELDS.every((field) => input[field] === undefined || input[field] === user[field]);
}

function seenWithin(user: User, ms: number): boolean {
  return user.lastActivityAt !== null && Date.now() - user.lastActivityAt.getTime() < ms;
}

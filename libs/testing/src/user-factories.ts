import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LedgerService } from '@genbot/ledger';
import { Language, User, UsersService } from '@genbot/users';
import { uniqueTelegramId } from './test-config';

export interface TestUserOptions {
  /** Credits granted as a purchase right after registration. */
  credits?: number;
  /** The language the user chose (`/language`, Mini App settings). */
  language?: Language;
  /** Banned, with this reason. */
  bannedFor?: string;
  /** Telegram's `language_code`, as a client would send it. */
  languageCode?: string;
}

/**
 * A fresh user (its own Telegram id, so suites never collide), registered the way the apps do it
 * and then funded, given a language or banned. `app` is a booted app or a test module with
 * UsersModule and LedgerModule.
 */
export async function createTestUser(app: INestApplicationContext, options: TestUserOptions = {}): Promise<User> {
  const users = app.get(UsersService, { strict: false });
  const { user } = await users.register({ telegramId: String(uniqueTelegramId()), firstName: 'Test', languageCode: options.languageCode ?? 'en' });
  if (options.credits)
    await app.get(LedgerService, { strict: false }).transfer({
      idempotencyKey: `test-fund:${randomUUID()}`,
      from: { system: 'purchases' },
      to: { userId: user.id },
      amount: options.credits,
      kind: 'purchase',
    });
  if (options.language) await users.setLanguage(user.id, options.language);
  if (options.bannedFor !== undefined)
    // Bans come from operators (admin API, later); a test needs one now.
    await app.get(DataSource, { strict: false }).query('UPDATE users SET is_banned = true, ban_reason = $2 WHERE id = $1', [user.id, options.bannedFor]);
  return users.getById(user.id);
}

/** A user holding `credits` credits. */
export const fundedUser = (app: INestApplicationContext, credits: number, options: Omit<TestUserOptions, 'credits'> = {}) =>
  createTestUser(app, { ...options, credits });

/** A banned user. */
export const bannedUser = (app: INestApplicationContext, reason = 'spam', options: Omit<TestUserOptions, 'bannedFor'> = {}) =>
  createTestUser(app, { ...options, bannedFor: reason });

/** A user who chose `language`. */
export const userWithLanguage = (app: INestApplicationContext, language: Language, options: Omit<TestUserOptions, 'language'> = {}) =>
  createTestUser(app, { ...options, language });

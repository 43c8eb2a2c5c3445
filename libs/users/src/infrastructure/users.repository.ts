import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { newReferralCode } from '../domain/start-payload';
import { Language, User } from '../domain/user';

export interface UpsertUserInput {
  telegramId: string;
  username?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  languageCode?: string | null;
  anonUserId?: string | null;
  avatarUrl?: string | null;
  /** Applied only when this call creates the user. */
  referrerId?: string | null;
  /** Kept only if the user has none yet. */
  advertisingSource?: string | null;
}

const COLUMNS = `id, telegram_id, username, first_name, last_name, language_code, language, referral_code, referrer_id,
  advertising_source, consent_pd, consent_pd_at, anon_user_id, email, avatar_url, is_banned, ban_reason, blocked_at,
  reviewed_at, last_activity_at, selected_voice_id, created_at, updated_at`;

/** The race-free writes: one INSERT … ON CONFLICT per registration, whatever the concurrency. */
@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async upsert(input: UpsertUserInput): Promise<{ user: User; created: boolean }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const rows: (Row & { inserted: boolean })[] = await this.dataSource.query(
          `INSERT INTO users (telegram_id, username, first_name, last_name, language_code, anon_user_id, avatar_url,
                              referrer_id, advertising_source, referral_code, last_activity_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
           ON CONFLICT (telegram_id) DO UPDATE SET
             username = COALESCE(EXCLUDED.username, users.username),
             first_name = COALESCE(EXCLUDED.first_name, users.first_name),
             last_name = COALESCE(EXCLUDED.last_name, users.last_name),
             language_code = COALESCE(EXCLUDED.language_code, users.language_code),
             anon_user_id = COALESCE(EXCLUDED.anon_user_id, users.anon_user_id),
             avatar_url = COALESCE(EXCLUDED.avatar_url, users.avatar_url),
             advertising_source = COALESCE(users.advertising_source, EXCLUDED.advertising_source),
             last_activity_at = now(),
             updated_at = now()
           RETURNING ${COLUMNS}, (xmax = 0) AS inserted`,
          [
            input.telegramId,
            input.username ?? null,
            input.firstName ?? null,
            input.lastName ?? null,
            input.languageCode ?? null,
            input.anonUserId ?? null,
            input.avatarUrl ?? null,
            input.referrerId ?? null,
            input.advertisingSource ?? null,
            newReferralCode(),
          ],
        );
        return { user: toUser(rows[0]), created: rows[0].inserted };
      } catch (error) {
        // A fresh referral code that collides with an existing one: draw another.
        if (attempt < 5 && isUniqueViolation(error, 'users_referral_code_key')) continue;
        throw error;
      }
    }
  }

  async findOne(where: { id: string } | { telegramId: string } | { referralCode: string }): Promise<User | undefined> {
    const [column, value] =
      'id' in where ? ['id', where.id] : 'telegramId' in where ? ['telegram_id', where.telegramId] : ['referral_code', where.referralCode];
    const rows: Row[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM users WHERE ${column} = $1`, [value]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The row, locked until `em`'s transaction ends (a change and its audit see one state). */
  async lock(id: string, em: EntityManager): Promise<User | undefined> {
    const rows: Row[] = await em.query(`SELECT ${COLUMNS} FROM users WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  /**
   * Admin search: an exact Telegram id or referral code, or a username prefix (case-insensitive,
   * `@` optional); no query lists the newest users. Each form is answered by an index.
   */
  async search(query: string | undefined, offset: number, limit: number): Promise<User[]> {
    const term = query?.trim().replace(/^@/, '') ?? '';
    if (!term) {
      return toUsers(await this.dataSource.query(`SELECT ${COLUMNS} FROM users ORDER BY created_at DESC, id LIMIT $1 OFFSET $2`, [limit, offset]));
    }
    const byId = /^[1-9]\d{0,18}$/.test(term) && BigInt(term) <= 9223372036854775807n;
    // UNION rather than OR: each branch uses its own index.
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM (
         SELECT * FROM users WHERE telegram_id = $4::bigint
         UNION SELECT * FROM users WHERE referral_code = lower($1)
         UNION SELECT * FROM users WHERE lower(username) LIKE $5 AND username IS NOT NULL
       ) found ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`,
      [term, limit, offset, byId ? term : null, `${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`],
    );
    return toUsers(rows);
  }

  async update(
    id: string,
    set: Partial<{
      consent_pd: boolean;
      consent_pd_at: Date | null;
      language: Language;
      is_banned: boolean;
      ban_reason: string | null;
      selected_voice_id: string | null;
      banned_at: Date | null;
    }>,
    em?: EntityManager,
  ): Promise<User | undefined> {
    const keys = Object.keys(set) as (keyof typeof set)[];
    const assignments = keys.map((key, i) => `${key} = $${i + 2}`).join(', ');
    const rows: [Row[], number] = await (em ?? this.dataSource).query(
      `UPDATE users SET ${assignments}, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, ...keys.map((key) => set[key])],
    );
    return rows[0][0] ? toUser(rows[0][0]) : undefined;
  }

  /** Records the user's accepted review once; a later call keeps the first time. */
  async markReviewed(id: string): Promise<User | undefined> {
    const [rows]: [Row[], number] = await this.dataSource.query(
      `UPDATE users SET reviewed_at = COALESCE(reviewed_at, now()), updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id],
    );
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  /** Telegram tells us (my_chat_member, or a 403 on send) when a user blocks or unblocks the bot. */
  /** Returns the Telegram id of the user changed, if any (their cached copy goes stale). */
  async setBlocked(by: { id: string } | { telegramId: string }, blocked: boolean): Promise<string | undefined> {
    const [column, value] = 'id' in by ? ['id', by.id] : ['telegram_id', by.telegramId];
    const [rows]: [{ telegram_id: string }[], number] = await this.dataSource.query(
      `UPDATE users SET blocked_at = CASE WHEN $2 THEN coalesce(blocked_at, now()) END, updated_at = now() WHERE ${column} = $1 RETURNING telegram_id`,
      [value, blocked],
    );
    return rows[0] ? String(rows[0].telegram_id) : undefined;
  }

  async recordActivity(userId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO user_daily_activity (day, user_id) VALUES (current_date, $1)
       ON CONFLICT (day, user_id) DO UPDATE SET updates = user_daily_activity.updates + 1, last_seen_at = now()`,
      [userId],
    );
  }

  /** Case-insensitive, as Telegram treats usernames (users_username_lower_idx). */
  async findByUsername(username: string): Promise<User | undefined> {
    const rows: Row[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM users WHERE lower(username) = lower($1) LIMIT 1`, [username]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  /**
   * Users registered on `day` (YYYY-MM-DD) in the database's time zone, the one current_date of
   * user_daily_activity uses (users_created_at_idx).
   */
  async countRegistered(day: string): Promise<number> {
    const [row]: { count: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM users WHERE created_at >= $1::date AND created_at < $1::date + 1`,
      [day],
    );
    return row.count;
  }

  /** Users with at least one update on `day` (YYYY-MM-DD; the activity table's primary key leads with day). */
  async countActive(day: string): Promise<number> {
    const [row]: { count: number }[] = await this.dataSource.query(`SELECT count(*)::int AS count FROM user_daily_activity WHERE day = $1::date`, [day]);
    return row.count;
  }

  async countInvited(userId: string): Promise<number> {
    const [row]: { count: string }[] = await this.dataSource.query(`SELECT count(*) FROM users WHERE referrer_id = $1`, [userId]);
    return Number(row.count);
  }
}

interface Row {
  id: string;
  telegram_id: string;
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  language_code: string | null;
  language: Language | null;
  referral_code: string;
  referrer_id: string | null;
  advertising_source: string | null;
  consent_pd: boolean;
  consent_pd_at: Date | null;
  anon_user_id: string | null;
  email: string | null;
  avatar_url: string | null;
  is_banned: boolean;
  ban_reason: string | null;
  blocked_at: Date | null;
  reviewed_at: Date | null;
  last_activity_at: Date | null;
  selected_voice_id: string | null;
  created_at: Date;
  updated_at: Date;
}

function toUsers(rows: Row[]): User[] {
  return rows.map(toUser);
}

function toUser(row: Row): User {
  return {
    id: row.id,
    telegramId: String(row.telegram_id),
    username: row.username,
    firstName: row.first_name,
    lastName: row.last_name,
    languageCode: row.language_code,
    language: row.language,
    referralCode: row.referral_code,
    referrerId: row.referrer_id,
    advertisingSource: row.advertising_source,
    consentPd: row.consent_pd,
    consentPdAt: row.consent_pd_at,
    anonUserId: row.anon_user_id,
    email: row.email,
    avatarUrl: row.avatar_url,
    isBanned: row.is_banned,
    banReason: row.ban_reason,
    blockedAt: row.blocked_at,
    reviewedAt: row.reviewed_at,
    lastActivityAt: row.last_activity_at,
    selectedVoiceId: row.selected_voice_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string; constraint?: string }).code === '23505' &&
    (error.driverError as { constraint?: string }).constraint === constraint
  );
}

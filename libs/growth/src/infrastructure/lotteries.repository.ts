import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Lottery, LotteryDraw, LotteryPrize, LotteryRules } from '../domain/lottery';

/** An entry with who made it, for the admin API. */
export type LotteryEntryWithUser = LotteryEntry & { telegramId: string; username: string | null };

export interface LotteryEntry {
  id: string;
  lotteryId: string;
  userId: string;
  socialLinks: string[];
  socialStatus: 'none' | 'pending' | 'approved' | 'rejected';
  prizeCredits: number | null;
  createdAt: Date;
}

const LOTTERY_COLUMNS = `id, title, description, start_date, end_date, prizes, rules, seed, seed_hash, drawn_at, draw, created_at`;
const ENTRY_COLUMNS = `id, lottery_id, user_id, social_links, social_status, prize_credits, created_at`;

type Db = DataSource | EntityManager;

@Injectable()
export class LotteriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(l: {
    title: string;
    description: string;
    startDate: Date;
    endDate: Date;
    prizes: LotteryPrize[];
    rules: LotteryRules;
    seed: string;
    seedHash: string;
  }): Promise<Lottery> {
    const [row]: LotteryRow[] = await this.dataSource.query(
      `INSERT INTO lotteries (title, description, start_date, end_date, prizes, rules, seed, seed_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${LOTTERY_COLUMNS}`,
      [l.title, l.description, l.startDate, l.endDate, JSON.stringify(l.prizes), JSON.stringify(l.rules), l.seed, l.seedHash],
    );
    return toLottery(row);
  }

  async findById(id: string, db: Db = this.dataSource, lock = false): Promise<Lottery | undefined> {
    const rows: LotteryRow[] = await db.query(`SELECT ${LOTTERY_COLUMNS} FROM lotteries WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] && toLottery(rows[0]);
  }

  /** The lottery running at `at` (the latest started, should periods overlap). */
  async runningAt(at: Date): Promise<Lottery | undefined> {
    const rows: LotteryRow[] = await this.dataSource.query(
      `SELECT ${LOTTERY_COLUMNS} FROM lotteries WHERE start_date <= $1 AND end_date > $1 ORDER BY start_date DESC LIMIT 1`,
      [at],
    );
    return rows[0] && toLottery(rows[0]);
  }

  async ended(at: Date, limit: number): Promise<Lottery[]> {
    const rows: LotteryRow[] = await this.dataSource.query(`SELECT ${LOTTERY_COLUMNS} FROM lotteries WHERE end_date <= $1 ORDER BY end_date DESC LIMIT $2`, [
      at,
      limit,
    ]);
    return rows.map(toLottery);
  }

  /** Every lottery, newest start first (the admin API's list). */
  async list(limit: number): Promise<Lottery[]> {
    const rows: LotteryRow[] = await this.dataSource.query(`SELECT ${LOTTERY_COLUMNS} FROM lotteries ORDER BY start_date DESC, id LIMIT $1`, [limit]);
    return rows.map(toLottery);
  }

  /** Ended and not drawn (lotteries_undrawn_idx). */
  async dueIds(at: Date): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(`SELECT id FROM lotteries WHERE drawn_at IS NULL AND end_date <= $1 ORDER BY end_date`, [at]);
    return rows.map((row) => row.id);
  }

  async entry(lotteryId: string, userId: string): Promise<LotteryEntry | undefined> {
    const rows: EntryRow[] = await this.dataSource.query(`SELECT ${ENTRY_COLUMNS} FROM lottery_entries WHERE lottery_id = $1 AND user_id = $2`, [
      lotteryId,
      userId,
    ]);
    return rows[0] && toEntry(rows[0]);
  }

  /** Enters users who are not entered yet. */
  async ensureEntries(lotteryId: string, userIds: string[], db: Db = this.dataSource): Promise<void> {
    if (userIds.length === 0) return;
    await db.query(`INSERT INTO lottery_entries (lottery_id, user_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`, [lotteryId, userIds]);
  }

  /** New links wait for an admin's review again. */
  async submitSocial(lotteryId: string, userId: string, links: string[]): Promise<LotteryEntry> {
    const [row]: EntryRow[] = await this.dataSource.query(
      `INSERT INTO lottery_entries (lottery_id, user_id, social_links, social_status) VALUES ($1, $2, $3, 'pending')
       ON CONFLICT (lottery_id, user_id) DO UPDATE SET social_links = EXCLUDED.social_links, social_status = 'pending', updated_at = now()
       RETURNING ${ENTRY_COLUMNS}`,
      [lotteryId, userId, JSON.stringify(links)],
    );
    return toEntry(row);
  }

  async entries(lotteryId: string, db: Db = this.dataSource): Promise<LotteryEntry[]> {
    const rows: EntryRow[] = await db.query(`SELECT ${ENTRY_COLUMNS} FROM lottery_entries WHERE lottery_id = $1 ORDER BY created_at, id`, [lotteryId]);
    return rows.map(toEntry);
  }

  async entryById(id: string): Promise<LotteryEntry | undefined> {
    const rows: EntryRow[] = await this.dataSource.query(`SELECT ${ENTRY_COLUMNS} FROM lottery_entries WHERE id = $1`, [id]);
    return rows[0] && toEntry(rows[0]);
  }

  /** The entries with their users' Telegram ids and usernames, oldest first. */
  async entriesWithUsers(lotteryId: string): Promise<LotteryEntryWithUser[]> {
    const rows: (EntryRow & { telegram_id: string; username: string | null })[] = await this.dataSource.query(
      `SELECT ${ENTRY_COLUMNS.split(', ')
        .map((column) => `e.${column}`)
        .join(', ')}, u.telegram_id, u.username
         FROM lottery_entries e JOIN users u ON u.id = e.user_id WHERE e.lottery_id = $1 ORDER BY e.created_at, e.id`,
      [lotteryId],
    );
    return rows.map((row) => ({ ...toEntry(row), telegramId: String(row.telegram_id), username: row.username }));
  }

  /** Only entries with links under review can be judged. */
  async reviewSocial(entryId: string, approved: boolean): Promise<LotteryEntry | undefined> {
    const [rows]: [EntryRow[], number] = await this.dataSource.query(
      `UPDATE lottery_entries SET social_status = $2, updated_at = now() WHERE id = $1 AND social_status IN ('pending', 'approved', 'rejected') RETURNING ${ENTRY_COLUMNS}`,
      [entryId, approved ? 'approved' : 'rejected'],
    );
    return rows[0] && toEntry(rows[0]);
  }

  async setPrize(em: EntityManager, lotteryId: string, userId: string, credits: number): Promise<void> {
    await em.query(`UPDATE lottery_entries SET prize_credits = $3, updated_at = now() WHERE lottery_id = $1 AND user_id = $2`, [lotteryId, userId, credits]);
  }

  /** The secret seed, for the draw alone. */
  async seedOf(em: EntityManager, id: string): Promise<string> {
    const [row]: { seed: string }[] = await em.query(`SELECT seed FROM lotteries WHERE id = $1`, [id]);
    return row.seed;
  }

  async markDrawn(em: EntityManager, id: string, draw: LotteryDraw): Promise<void> {
    await em.query(`UPDATE lotteries SET drawn_at = now(), draw = $2 WHERE id = $1 AND drawn_at IS NULL`, [id, JSON.stringify(draw)]);
  }
}

interface LotteryRow {
  id: string;
  title: string;
  description: string;
  start_date: Date;
  end_date: Date;
  prizes: LotteryPrize[];
  rules: Partial<LotteryRules>;
  seed: string;
  seed_hash: string;
  drawn_at: Date | null;
  draw: LotteryDraw | null;
  created_at: Date;
}

interface EntryRow {
  id: string;
  lottery_id: string;
  user_id: string;
  social_links: string[];
  social_status: LotteryEntry['socialStatus'];
  prize_credits: string | null;
  created_at: Date;
}

function toLottery(row: LotteryRow): Lottery {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    startDate: row.start_date,
    endDate: row.end_date,
    prizes: row.prizes,
    rules: { minReferrals: row.rules.minReferrals ?? 0, socialTickets: row.rules.socialTickets ?? 1 },
    seedHash: row.seed_hash,
    // The seed stays secret until the draw: whoever knew it earlier could tell the winners.
    seed: row.drawn_at ? row.seed : null,
    drawnAt: row.drawn_at,
    draw: row.draw,
    createdAt: row.created_at,
  };
}

function toEntry(row: EntryRow): LotteryEntry {
  return {
    id: row.id,
    lotteryId: row.lottery_id,
    userId: row.user_id,
    socialLinks: row.social_links,
    socialStatus: row.social_status,
    prizeCredits: row.prize_credits === null ? null : Number(row.prize_credits),
    createdAt: row.created_at,
  };
}

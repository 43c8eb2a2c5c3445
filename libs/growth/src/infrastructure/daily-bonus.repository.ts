import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface DailyBonusClaimRow {
  day: string;
  timeZone: string;
  streak: number;
  credits: number;
}

@Injectable()
export class DailyBonusRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Serialises one user's claims until the transaction ends: each then sees the claim before it. */
  async lockUser(em: EntityManager, userId: string): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`daily_bonus:${userId}`]);
  }

  async last(userId: string, em: EntityManager | DataSource = this.dataSource): Promise<DailyBonusClaimRow | undefined> {
    const rows: { day: string; time_zone: string; streak: number; credits: string }[] = await em.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, time_zone, streak, credits FROM daily_bonus_claims WHERE user_id = $1 ORDER BY day DESC LIMIT 1`,
      [userId],
    );
    return rows[0] && { day: rows[0].day, timeZone: rows[0].time_zone, streak: rows[0].streak, credits: Number(rows[0].credits) };
  }

  /** False when the day is claimed already (the primary key is the last line of defence behind the lock). */
  async insert(em: EntityManager, userId: string, claim: DailyBonusClaimRow): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `INSERT INTO daily_bonus_claims (user_id, day, time_zone, streak, credits) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1`,
      [userId, claim.day, claim.timeZone, claim.streak, claim.credits],
    );
    return rows.length === 1;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface DiscountCandidate {
  userId: string;
  telegramId: string;
  language: string | null;
  languageCode: string | null;
}

export interface DiscountOffer {
  tariffId: string;
  percent: number;
  offeredAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  /** The payment that took the offer. */
  paymentId: string | null;
}

@Injectable()
export class DiscountOffersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Users never offered, never paid, reachable, whose first succeeded generation is older than `delayHours`. */
  async candidates(delayHours: number, limit: number): Promise<DiscountCandidate[]> {
    const rows: { id: string; telegram_id: string; language: string | null; language_code: string | null }[] = await this.dataSource.query(
      `SELECT u.id, u.telegram_id, u.language, u.language_code
         FROM (SELECT DISTINCT g.user_id FROM generations g
                WHERE g.status = 'succeeded' AND g.created_at <= now() - make_interval(hours => $1::int)) AS generated
         JOIN users u ON u.id = generated.user_id
        WHERE NOT u.is_banned AND u.blocked_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM discount_offers d WHERE d.user_id = u.id)
          AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.user_id = u.id AND p.status = 'succeeded')
        LIMIT $2`,
      [delayHours, limit],
    );
    return rows.map((row) => ({ userId: row.id, telegramId: String(row.telegram_id), language: row.language, languageCode: row.language_code }));
  }

  async tariff(slug: string): Promise<{ id: string; title: Record<string, string>; credits: number } | undefined> {
    const rows: { id: string; title: Record<string, string>; credits: string }[] = await this.dataSource.query(
      `SELECT id, title, credits FROM tariffs WHERE slug = $1 AND active`,
      [slug],
    );
    return rows[0] && { id: rows[0].id, title: rows[0].title, credits: Number(rows[0].credits) };
  }

  /** False when the user was offered already (by another worker, perhaps still sending: the insert waits for it). */
  async insert(em: EntityManager, userId: string, offer: { tariffId: string; percent: number; validHours: number }): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `INSERT INTO discount_offers (user_id, tariff_id, percent, expires_at) VALUES ($1, $2, $3, now() + make_interval(hours => $4::int))
       ON CONFLICT (user_id) DO NOTHING RETURNING 1`,
      [userId, offer.tariffId, offer.percent, offer.validHours],
    );
    return rows.length === 1;
  }

  async find(userId: string): Promise<DiscountOffer | undefined> {
    const rows: { tariff_id: string; percent: number; offered_at: Date; expires_at: Date; used_at: Date | null; payment_id: string | null }[] =
      await this.dataSource.query(`SELECT tariff_id, percent, offered_at, expires_at, used_at, payment_id FROM discount_offers WHERE user_id = $1`, [userId]);
    return (
      rows[0] && {
        tariffId: rows[0].tariff_id,
        percent: rows[0].percent,
        offeredAt: rows[0].offered_at,
        expiresAt: rows[0].expires_at,
        usedAt: rows[0].used_at,
        paymentId: rows[0].payment_id,
      }
    );
  }

  /**
   * The offer's percent when `paymentId` takes it: unused, unexpired and for `tariffId`, in one
   * statement, so of payments made at once only one gets it. The payment that holds it already gets
   * it again (a retry of the same payment).
   */
  async claim(userId: string, tariffId: string, paymentId: string): Promise<number | undefined> {
    const [rows]: [{ percent: number }[], number] = await this.dataSource.query(
      `UPDATE discount_offers SET used_at = COALESCE(used_at, now()), payment_id = $3
        WHERE user_id = $1 AND tariff_id = $2 AND ((used_at IS NULL AND expires_at > now()) OR payment_id = $3)
       RETURNING percent`,
      [userId, tariffId, paymentId],
    );
    return rows[0]?.percent;
  }

  /** Gives back offers these payments took (they were never paid); how many. */
  async release(paymentIds: string[]): Promise<number> {
    if (paymentIds.length === 0) return 0;
    const [, count]: [unknown[], number] = await this.dataSource.query(
      `UPDATE discount_offers SET used_at = NULL, payment_id = NULL WHERE payment_id = ANY($1::uuid[])`,
      [paymentIds],
    );
    return count;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { PaymentProvider } from '../domain/payment';
import { PaymentEntity } from './payment.entity';

/** The payments tables' named queries; plain reads go through `Repository<PaymentEntity>`. */
@Injectable()
export class PaymentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records a new payment; a repeat of the same id (an idempotent retry) changes nothing. */
  async insertOnce(values: Partial<PaymentEntity>): Promise<void> {
    await this.dataSource.createQueryBuilder().insert().into(PaymentEntity).values(values).orIgnore().execute();
  }

  async markSucceeded(id: string, externalId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE payments SET status = 'succeeded', external_id = COALESCE(external_id, $2), succeeded_at = COALESCE(succeeded_at, now()), updated_at = now()
        WHERE id = $1 AND status <> 'succeeded'`,
      [id, externalId],
    );
  }

  /** Refund figures only grow: a replayed or older refund notice never lowers them. */
  async markRefunded(id: string, refundedMinor: number, refundedCredits: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE payments SET refund_status = 'succeeded', refunded_minor = GREATEST(refunded_minor, $2), refunded_credits = GREATEST(refunded_credits, $3),
              refunded_at = COALESCE(refunded_at, now()), updated_at = now() WHERE id = $1`,
      [id, refundedMinor, refundedCredits],
    );
  }

  async setReferralReward(id: string, reward: number): Promise<void> {
    await this.dataSource.query(`UPDATE payments SET referral_reward = $2 WHERE id = $1`, [id, reward]);
  }

  /** Payments that succeeded on `day` (YYYY-MM-DD, the database's time zone), per currency (payments_succeeded_at_idx). */
  async succeededOn(day: string): Promise<{ currency: string; count: number; amountMinor: number; credits: number }[]> {
    const rows: { currency: string; count: number; amount: string; credits: string }[] = await this.dataSource.query(
      `SELECT currency, count(*)::int AS count, sum(amount_minor) AS amount, sum(credits) AS credits FROM payments
        WHERE status = 'succeeded' AND succeeded_at >= $1::date AND succeeded_at < $1::date + 1 GROUP BY currency ORDER BY currency`,
      [day],
    );
    return rows.map((row) => ({ currency: row.currency, count: row.count, amountMinor: Number(row.amount), credits: Number(row.credits) }));
  }

  /** Invitees of `inviterId` with a succeeded payment, and the rewards those payments earned. */
  async referralStats(inviterId: string): Promise<{ paidCount: number; earnedCredits: number }> {
    const [row]: { paid: number; earned: string }[] = await this.dataSource.query(
      `SELECT count(DISTINCT p.user_id)::int AS paid, COALESCE(sum(p.referral_reward), 0) AS earned
         FROM payments p JOIN users u ON u.id = p.user_id WHERE u.referrer_id = $1 AND p.status = 'succeeded'`,
      [inviterId],
    );
    return { paidCount: row.paid, earnedCredits: Number(row.earned) };
  }

  async recordEvent(provider: PaymentProvider, eventId: string): Promise<void> {
    await this.dataSource.query(`INSERT INTO payment_events (provider, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [provider, eventId]);
  }

  async seenEvent(provider: PaymentProvider, eventId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM payment_events WHERE provider = $1 AND event_id = $2`, [provider, eventId]);
    return rows.length > 0;
  }

  /** Marks pending payments past their lifetime expired; their ids. */
  async expirePendingBefore(now: Date): Promise<string[]> {
    const [rows]: [{ id: string }[], number] = await this.dataSource.query(
      `UPDATE payments SET status = 'expired', updated_at = now() WHERE status = 'pending' AND expires_at < $1 RETURNING id`,
      [now],
    );
    return rows.map((row) => row.id);
  }
}

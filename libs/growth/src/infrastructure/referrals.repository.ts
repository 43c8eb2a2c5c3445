import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface ReferralRecord {
  inviterId: string;
  inviteeId: string;
  inviteePaid: boolean;
  rewardGiven: boolean;
  createdAt: Date;
}

/** Referrals are users with a referrer; what they paid is read from payments. */
@Injectable()
export class ReferralsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The inviter's invitees, newest first (users_referrer_created_idx). */
  async history(inviterId: string, limit: number): Promise<ReferralRecord[]> {
    const rows: { id: string; created_at: Date; paid: boolean; rewarded: boolean }[] = await this.dataSource.query(
      `SELECT u.id, u.created_at,
              EXISTS (SELECT 1 FROM payments p WHERE p.user_id = u.id AND p.status = 'succeeded') AS paid,
              EXISTS (SELECT 1 FROM payments p WHERE p.user_id = u.id AND p.status = 'succeeded' AND p.referral_reward > 0) AS rewarded
         FROM users u WHERE u.referrer_id = $1 ORDER BY u.created_at DESC LIMIT $2`,
      [inviterId, limit],
    );
    return rows.map((row) => ({ inviterId, inviteeId: row.id, inviteePaid: row.paid, rewardGiven: row.rewarded, createdAt: row.created_at }));
  }

  async stats(inviterId: string): Promise<{ invited: number; paid: number; earned: number }> {
    const [row]: { invited: number; paid: number; earned: string }[] = await this.dataSource.query(
      `SELECT (SELECT count(*)::int FROM users WHERE referrer_id = $1) AS invited,
              count(DISTINCT p.user_id)::int AS paid, COALESCE(sum(p.referral_reward), 0) AS earned
         FROM payments p JOIN users u ON u.id = p.user_id WHERE u.referrer_id = $1 AND p.status = 'succeeded'`,
      [inviterId],
    );
    return { invited: row.invited, paid: row.paid, earned: Number(row.earned) };
  }

  /** Whether the user's inviter has been rewarded for them (seed 003's `referral_bonus_claimed`). */
  async rewardedFor(inviteeId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM payments WHERE user_id = $1 AND status = 'succeeded' AND referral_reward > 0 LIMIT 1`, [
      inviteeId,
    ]);
    return rows.length > 0;
  }

  /** Per referrer, the users they brought in during [from, to). */
  async countBetween(from: Date, to: Date): Promise<Map<string, number>> {
    const rows: { referrer_id: string; count: number }[] = await this.dataSource.query(
      `SELECT referrer_id, count(*)::int AS count FROM users WHERE referrer_id IS NOT NULL AND created_at >= $1 AND created_at < $2 GROUP BY referrer_id`,
      [from, to],
    );
    return new Map(rows.map((row) => [row.referrer_id, row.count]));
  }
}

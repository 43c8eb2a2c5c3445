import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Growth's records. Each row that pays a reward is the gate for it (its primary or unique key), and
 * the ledger transfer it pays with is keyed by the same identity, so a reward is granted once.
 */
export class Growth1764002100000 implements MigrationInterface {
  name = 'Growth1764002100000';

  async up(q: QueryRunner): Promise<void> {
    // One row per user and local day; the streak is the previous day's streak + 1 (or 1).
    await q.query(`
      CREATE TABLE daily_bonus_claims (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        day date NOT NULL,
        time_zone varchar(64) NOT NULL,
        streak integer NOT NULL CHECK (streak > 0),
        credits bigint NOT NULL CHECK (credits >= 0),
        claimed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, day)
      )`);
    // Messages users posted in the review chat (seed 001's Review).
    await q.query(`
      CREATE TABLE reviews (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        chat_id bigint NOT NULL,
        message_id bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT reviews_message_key UNIQUE (chat_id, message_id)
      )`);
    await q.query(`CREATE INDEX reviews_user_idx ON reviews (user_id)`);
    // seed_hash is published at creation; seed stays unread by the API until drawn_at is set.
    await q.query(`
      CREATE TABLE lotteries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title varchar(200) NOT NULL,
        description text NOT NULL DEFAULT '',
        start_date timestamptz NOT NULL,
        end_date timestamptz NOT NULL,
        prizes jsonb NOT NULL,
        rules jsonb NOT NULL DEFAULT '{}',
        seed varchar(64) NOT NULL,
        seed_hash varchar(64) NOT NULL,
        drawn_at timestamptz,
        draw jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT lotteries_period_check CHECK (end_date > start_date)
      )`);
    await q.query(`CREATE INDEX lotteries_undrawn_idx ON lotteries (end_date) WHERE drawn_at IS NULL`);
    await q.query(`
      CREATE TABLE lottery_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lottery_id uuid NOT NULL REFERENCES lotteries (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        social_links jsonb NOT NULL DEFAULT '[]',
        social_status varchar(16) NOT NULL DEFAULT 'none' CHECK (social_status IN ('none', 'pending', 'approved', 'rejected')),
        prize_credits bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT lottery_entries_user_key UNIQUE (lottery_id, user_id)
      )`);
    // Referrals made during a lottery are counted from users.created_at per referrer.
    await q.query(`CREATE INDEX users_referrer_created_idx ON users (referrer_id, created_at) WHERE referrer_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX users_referrer_created_idx`);
    await q.query(`DROP TABLE lottery_entries`);
    await q.query(`DROP TABLE lotteries`);
    await q.query(`DROP TABLE reviews`);
    await q.query(`DROP TABLE daily_bonus_claims`);
  }
}

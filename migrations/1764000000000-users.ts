import { MigrationInterface, QueryRunner } from 'typeorm';

export class Users1764000000000 implements MigrationInterface {
  name = 'Users1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        telegram_id bigint NOT NULL,
        username varchar(64),
        first_name varchar(256),
        last_name varchar(256),
        language_code varchar(16),
        language varchar(2),
        referral_code varchar(16) NOT NULL,
        referrer_id uuid REFERENCES users (id) ON DELETE SET NULL,
        advertising_source varchar(64),
        consent_pd boolean NOT NULL DEFAULT false,
        consent_pd_at timestamptz,
        anon_user_id varchar(128),
        email varchar(320),
        avatar_url text,
        is_banned boolean NOT NULL DEFAULT false,
        ban_reason text,
        banned_at timestamptz,
        blocked_at timestamptz,
        last_activity_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_telegram_id_key UNIQUE (telegram_id),
        CONSTRAINT users_referral_code_key UNIQUE (referral_code),
        CONSTRAINT users_telegram_id_positive CHECK (telegram_id > 0),
        CONSTRAINT users_language_check CHECK (language IN ('uz', 'ru', 'en')),
        CONSTRAINT users_not_own_referrer CHECK (referrer_id <> id)
      )`);
    await q.query(`CREATE INDEX users_referrer_id_idx ON users (referrer_id) WHERE referrer_id IS NOT NULL`);
    await q.query(`CREATE INDEX users_created_at_idx ON users (created_at)`);
    await q.query(`
      CREATE TABLE user_daily_activity (
        day date NOT NULL,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        updates integer NOT NULL DEFAULT 1,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (day, user_id)
      )`);
    await q.query(`CREATE INDEX user_daily_activity_user_idx ON user_daily_activity (user_id, day)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE user_daily_activity`);
    await q.query(`DROP TABLE users`);
  }
}

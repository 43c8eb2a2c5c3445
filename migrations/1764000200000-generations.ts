import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The generation engine's tables: the model catalog with its price rules, generations with their
 * results, trial uses, and uploaded data objects (seed 001's `Data`).
 */
export class Generations1764000200000 implements MigrationInterface {
  name = 'Generations1764000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE models (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug varchar(64) NOT NULL UNIQUE,
        display_name varchar(100) NOT NULL,
        description text,
        kind varchar(8) NOT NULL CHECK (kind IN ('image', 'video', 'audio', 'tool')),
        modes text[] NOT NULL,
        provider varchar(32) NOT NULL,
        provider_model varchar(200) NOT NULL,
        provider_model_i2i varchar(200),
        fallback_provider varchar(32),
        fallback_model varchar(200),
        options_schema jsonb NOT NULL DEFAULT '{}',
        min_input_images integer NOT NULL DEFAULT 0,
        max_input_images integer NOT NULL DEFAULT 0,
        outputs_per_run integer NOT NULL DEFAULT 1,
        quality varchar(32),
        avg_duration_seconds integer,
        timeout_seconds integer NOT NULL DEFAULT 600,
        service_type varchar(16) UNIQUE,
        is_active boolean NOT NULL DEFAULT true,
        sort_order integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE model_prices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        model_id uuid NOT NULL REFERENCES models (id) ON DELETE CASCADE,
        mode varchar(16),
        match jsonb NOT NULL DEFAULT '{}',
        credits integer CHECK (credits >= 0),
        usd numeric(12, 6) CHECK (usd >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT model_prices_one_kind CHECK ((credits IS NULL) <> (usd IS NULL))
      )`);
    await q.query(`CREATE INDEX model_prices_model_idx ON model_prices (model_id)`);

    await q.query(`
      CREATE TABLE data_objects (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid REFERENCES users (id) ON DELETE CASCADE,
        type varchar(8) NOT NULL CHECK (type IN ('image', 'video', 'text', 'audio')),
        storage_key varchar(300) NOT NULL UNIQUE,
        content_type varchar(100) NOT NULL,
        size_bytes bigint,
        status varchar(8) NOT NULL CHECK (status IN ('pending', 'ready')),
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        confirmed_at timestamptz
      )`);
    await q.query(`CREATE INDEX data_objects_pending_idx ON data_objects (expires_at) WHERE status = 'pending'`);

    await q.query(`
      CREATE TABLE generations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id),
        model_id uuid NOT NULL REFERENCES models (id),
        mode varchar(16) NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('waiting_payment', 'queued', 'running', 'succeeded', 'failed', 'cancelled')),
        prompt text,
        options jsonb NOT NULL DEFAULT '{}',
        inputs jsonb NOT NULL DEFAULT '[]',
        price_credits integer NOT NULL CHECK (price_credits >= 0),
        is_trial boolean NOT NULL DEFAULT false,
        hold_id uuid REFERENCES ledger_transfers (id),
        provider varchar(32),
        provider_model varchar(200),
        external_id varchar(200),
        progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
        error text,
        source varchar(16) NOT NULL,
        service_type varchar(16),
        description text,
        chat_id bigint,
        message_id bigint,
        prompt_message_id bigint,
        progress_message_id bigint,
        language varchar(2),
        delivered_at timestamptz,
        idempotency_key varchar(300) UNIQUE,
        meta jsonb NOT NULL DEFAULT '{}',
        started_at timestamptz,
        deadline_at timestamptz,
        finished_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX generations_user_idx ON generations (user_id, created_at DESC)`);
    await q.query(`CREATE INDEX generations_active_idx ON generations (user_id) WHERE status IN ('queued', 'running')`);
    await q.query(`CREATE INDEX generations_finished_idx ON generations (finished_at) WHERE finished_at IS NOT NULL`);

    await q.query(`
      CREATE TABLE generation_results (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        generation_id uuid NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
        idx integer NOT NULL,
        storage_key varchar(300) NOT NULL,
        content_type varchar(100) NOT NULL,
        size_bytes bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        UNIQUE (generation_id, idx)
      )`);

    await q.query(`
      CREATE TABLE trial_uses (
        user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        model_id uuid NOT NULL REFERENCES models (id),
        generation_id uuid NOT NULL,
        used_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`INSERT INTO system_settings (key, value) VALUES
      ('credits_per_usd', '1000'),
      ('trial_model_slugs', '["seedream-v4", "nano-banana", "qwen", "local-text-to-image", "animate-drawing"]'),
      ('result_retention_days', '30')
      ON CONFLICT (key) DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE trial_uses, generation_results, generations, data_objects, model_prices, models`);
    await q.query(`DELETE FROM system_settings WHERE key IN ('credits_per_usd', 'trial_model_slugs', 'result_retention_days')`);
  }
}

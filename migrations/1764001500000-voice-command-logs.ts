import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Seed 004's VoiceCommandLog: every voice message, what it was heard as, the intent it matched and
 * what became of it. The transcript is null when nothing was transcribed (no provider configured,
 * a clip too large, a provider failure).
 */
export class VoiceCommandLogs1764001500000 implements MigrationInterface {
  name = 'VoiceCommandLogs1764001500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE voice_command_logs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        transcript text,
        intent varchar(16) CHECK (intent IN ('create', 'balance', 'buy', 'help', 'language')),
        outcome varchar(16) NOT NULL CHECK (outcome IN ('flow_input', 'intent', 'no_match', 'empty', 'not_configured', 'too_large', 'failed')),
        provider varchar(16),
        duration_seconds integer CHECK (duration_seconds >= 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX voice_command_logs_user_created ON voice_command_logs (user_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE voice_command_logs`);
  }
}

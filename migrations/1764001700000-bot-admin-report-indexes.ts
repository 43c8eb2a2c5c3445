import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bot's `/user @name` and the admin API's user search find users by username
 * case-insensitively, exactly or by prefix (text_pattern_ops serves both `=` and `LIKE 'ab%'`),
 * and `/stats` counts the payments that succeeded on a day; without these both scan their table.
 */
export class BotAdminReportIndexes1764001700000 implements MigrationInterface {
  name = 'BotAdminReportIndexes1764001700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX users_username_lower_idx ON users (lower(username) text_pattern_ops) WHERE username IS NOT NULL`);
    await q.query(`CREATE INDEX payments_succeeded_at_idx ON payments (succeeded_at) WHERE status = 'succeeded'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX payments_succeeded_at_idx`);
    await q.query(`DROP INDEX users_username_lower_idx`);
  }
}

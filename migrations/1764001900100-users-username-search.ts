import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Admin user search by username (case-insensitive, by prefix): without this index it would read
 * every user. Telegram ids and referral codes are unique, so indexed already.
 */
export class UsersUsernameSearch1764001900100 implements MigrationInterface {
  name = 'UsersUsernameSearch1764001900100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX users_username_lower_idx ON users (lower(username) text_pattern_ops) WHERE username IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX users_username_lower_idx`);
  }
}

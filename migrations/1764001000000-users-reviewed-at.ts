import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a user's review was accepted (seed 001's `hasLeftReview`); set by the review bonus check,
 * at most once, so the reward is paid once.
 */
export class UsersReviewedAt1764001000000 implements MigrationInterface {
  name = 'UsersReviewedAt1764001000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN reviewed_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN reviewed_at`);
  }
}

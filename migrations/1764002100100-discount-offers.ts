import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Seed 003's one-time discount offer (`discount_offered`): one row per user, ever; the row is
 * written in the transaction that sends the offer, so two workers offer once.
 */
export class DiscountOffers1764002100100 implements MigrationInterface {
  name = 'DiscountOffers1764002100100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE discount_offers (
        user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        tariff_id uuid NOT NULL REFERENCES tariffs (id),
        percent integer NOT NULL CHECK (percent > 0 AND percent < 100),
        offered_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    // Ad-source reports read users of one source by registration time.
    await q.query(`CREATE INDEX users_source_created_idx ON users (advertising_source, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX users_source_created_idx`);
    await q.query(`DROP TABLE discount_offers`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The payment that took a user's one-time discount: set with `used_at` in one statement when a
 * payment for the offered tariff is created (so two at once cannot both take it), and cleared with
 * it when that payment expires, is canceled or was never made, so the offer is not lost to an
 * invoice nobody paid. Unique: one payment takes at most one offer.
 */
export class DiscountOfferPayment1764002300000 implements MigrationInterface {
  name = 'DiscountOfferPayment1764002300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE discount_offers ADD COLUMN payment_id uuid`);
    await q.query(`CREATE UNIQUE INDEX discount_offers_payment_idx ON discount_offers (payment_id) WHERE payment_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX discount_offers_payment_idx`);
    await q.query(`ALTER TABLE discount_offers DROP COLUMN payment_id`);
  }
}

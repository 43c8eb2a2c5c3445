import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Credit packages (issue 9). Prices are per currency in minor units (XTR Stars, RUB kopecks,
 * USD cents) so a package can be sold through Stars and card gateways alike. The defaults follow
 * seed 002's rate, 70 ⭐ = 1000 credits, with RUB prices for the card gateways.
 */
export class Tariffs1764001200000 implements MigrationInterface {
  name = 'Tariffs1764001200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tariffs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug varchar(64) NOT NULL UNIQUE,
        title jsonb NOT NULL,
        credits bigint NOT NULL CHECK (credits > 0),
        prices jsonb NOT NULL DEFAULT '{}'::jsonb,
        monthly_tokens integer,
        badge varchar(32),
        active boolean NOT NULL DEFAULT true,
        sort integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      INSERT INTO tariffs (slug, title, credits, prices, badge, sort) VALUES
        ('credits-1000', '{"uz":"1000 kredit","ru":"1000 кредитов","en":"1000 credits"}', 1000, '{"XTR":70,"RUB":9900}', NULL, 10),
        ('credits-3000', '{"uz":"3000 kredit","ru":"3000 кредитов","en":"3000 credits"}', 3000, '{"XTR":210,"RUB":29000}', NULL, 20),
        ('credits-7500', '{"uz":"7500 kredit","ru":"7500 кредитов","en":"7500 credits"}', 7500, '{"XTR":525,"RUB":69000}', 'popular', 30),
        ('credits-15000', '{"uz":"15000 kredit","ru":"15000 кредитов","en":"15000 credits"}', 15000, '{"XTR":1050,"RUB":129000}', 'best_value', 40)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tariffs`);
  }
}

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** Portraits committed next to this file (copied into dist by the build), named `<gender>-<age>-<name>.jpg`. */
const SEED_DIR = join(__dirname, 'characters');
const SEED_FILE = /^(male|female)-(young|elderly)-([a-z]+)\.(jpg|png)$/;

/**
 * Seed 000's character library: portraits by gender and age for the video wizard. A migration has
 * no storage, so each seed portrait's bytes go into `seed_image` and its storage key is named by
 * their hash; CharactersService puts the bytes into storage the first time the key is missing
 * there (any backend, any fresh bucket). Characters added later by operators have no seed bytes.
 */
export class Characters1764001600100 implements MigrationInterface {
  name = 'Characters1764001600100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE characters (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        gender varchar(8) NOT NULL CHECK (gender IN ('male', 'female')),
        age varchar(8) NOT NULL CHECK (age IN ('young', 'elderly')),
        title varchar(128) NOT NULL,
        image_key varchar(512) NOT NULL,
        image_content_type varchar(64) NOT NULL,
        seed_image bytea,
        sort_order integer NOT NULL DEFAULT 0,
        is_active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX characters_gallery ON characters (gender, age, sort_order, id) WHERE is_active`);
    const files = readdirSync(SEED_DIR)
      .filter((name) => SEED_FILE.test(name))
      .sort();
    for (const [order, file] of files.entries()) {
      const [, gender, age, name, extension] = SEED_FILE.exec(file)!;
      const bytes = readFileSync(join(SEED_DIR, file));
      const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
      await q.query(`INSERT INTO characters (gender, age, title, image_key, image_content_type, seed_image, sort_order) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        gender,
        age,
        name[0].toUpperCase() + name.slice(1),
        `characters/${hash}.${extension}`,
        extension === 'png' ? 'image/png' : 'image/jpeg',
        bytes,
        order * 10,
      ]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE characters`);
  }
}

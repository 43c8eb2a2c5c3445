import { DataSource, MigrationInterface } from 'typeorm';
import { typeormOptions } from './typeorm-options';

/** A migration class, as `@genbot/migrations` lists them. */
export type MigrationClass = new () => MigrationInterface;

/**
 * Applies pending migrations; returns their names. Used by `npm start`, `migration:run` and the
 * test setup, which pass the list from `@genbot/migrations`: the schema of every lib is not core's to know.
 */
export async function runMigrations(databaseUrl: string, migrations: readonly MigrationClass[]): Promise<string[]> {
  const dataSource = new DataSource({ ...typeormOptions(databaseUrl, 1), migrations: [...migrations] });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

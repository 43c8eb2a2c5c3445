import { DataSource } from 'typeorm';
import { typeormOptions } from './typeorm-options';

/** Applies pending migrations; returns their names. Used by `npm start` and `migration:run`. */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const dataSource = new DataSource({ ...typeormOptions(databaseUrl, 1) });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

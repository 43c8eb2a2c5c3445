import type { DataSourceOptions } from 'typeorm';

/**
 * One definition used by the apps, the migration CLI and the test setup. Entities are listed by
 * each lib's module (`TypeOrmModule.forFeature`) and autoloaded; the CLI and the migration runner
 * need none because migrations are plain SQL. The migrations themselves are `@genbot/migrations`,
 * added by whoever runs them (`runMigrations`, `migrations/data-source.ts`).
 */
export function typeormOptions(databaseUrl: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: { max: poolSize, application_name: 'genbot' },
  };
}

// Entry point for the TypeORM CLI (`npm run migration:generate`, `migration:revert`): it needs the
// entities of every lib to diff the schema, which is why it lives here and not in libs/core.
import { DataSource } from 'typeorm';
import { AppConfig, typeormOptions } from '@genbot/core';
import { USERS_ENTITIES } from '@genbot/users';
import { MIGRATIONS } from './index';

export default new DataSource({ ...typeormOptions(AppConfig.load().databaseUrl), entities: [...USERS_ENTITIES], migrations: MIGRATIONS });

/** Users: Telegram identity, referral codes, language, consent, bans and daily activity. */
export * from './users.module';
export * from './application/users.service';
export * from './domain/user';
export * from './domain/start-payload';
export * from './domain/users.errors';
/** For the migration CLI's schema diff. */
import { UserDailyActivityEntity, UserEntity } from './infrastructure/user.entity';
export const USERS_ENTITIES = [UserEntity, UserDailyActivityEntity];
/** Error codes → HTTP statuses, for the apps' `createHttpApp`. */
export * from './domain/users.error-statuses';

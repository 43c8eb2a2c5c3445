/** Broadcasts: audiences expanded into recipients, delivered once each at the rate Telegram allows, across crashes and replicas. */
export * from './broadcasts.module';
export * from './application/broadcasts.service';
export * from './domain/broadcast';
export * from './jobs/job-map';
/** Error codes → HTTP statuses, for the apps' `createHttpApp`. */
export * from './domain/broadcasts.errors';
/** Operator-tunable values (system_settings) and their defaults. */
export * from './domain/broadcasts.settings';
/** Send lanes one broadcast runs at once (each has at most one send in flight). */
export { LANES } from './infrastructure/broadcasts.queue';

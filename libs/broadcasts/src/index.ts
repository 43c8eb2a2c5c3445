/** Broadcasts: audiences expanded into recipients, delivered once each at the rate Telegram allows, across crashes and replicas. */
export * from './broadcasts.module';
export * from './application/broadcasts.service';
export * from './domain/broadcast';
export * from './jobs/job-map';
/** Error codes → HTTP statuses, for the apps' `createHttpApp`. */
export * from './domain/broadcasts.errors';
/** Operator-tunable values (system_settings) and their defaults. */
export * from './domain/broadcasts.settings';

/** Generations: the model catalog and prices, submissions with holds or trials, the worker pipeline, uploads. */
export * from './generations.module';
export * from './application/catalog.service';
export * from './application/generations.service';
export * from './application/waiting-payments.service';
export * from './application/data.service';
export * from './application/provider-registry';
export * from './application/ports/generation-provider';
export * from './domain/catalog';
export * from './domain/generation';
export * from './jobs/job-map';
/** Error codes → HTTP statuses, for the apps' `createHttpApp`. */
export * from './domain/generations.error-statuses';
/** Operator-tunable values (system_settings) and their defaults. */
export * from './domain/generations.settings';

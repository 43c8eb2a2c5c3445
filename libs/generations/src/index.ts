/** Generations: the model catalog and prices, submissions with holds or trials, the worker pipeline, uploads. */
export * from './generations.module';
export * from './application/catalog.service';
export * from './application/generations.service';
export * from './application/waiting-payments.service';
export * from './application/data.service';
/** Seed 000's video wizard: the character library, the voices that suit a character, the chain model's slug. */
export * from './application/characters.service';
export * from './application/voices.service';
export * from './domain/talking-head';
export * from './application/provider-registry';
export * from './application/ports/generation-provider';
export * from './domain/catalog';
export * from './domain/generation';
export * from './jobs/job-map';
/** Error codes → HTTP statuses, for the apps' `createHttpApp`. */
export * from './domain/generations.error-statuses';
/** Operator-tunable values (system_settings) and their defaults. */
export * from './domain/generations.settings';

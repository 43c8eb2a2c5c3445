/** The credits ledger: double-entry transfers, holds (reserve / capture / release), balances. */
export * from './ledger.module';
export * from './application/ledger.service';
export * from './domain/ledger.types';
export * from './domain/ledger.errors';
export * from './domain/ledger.limits';
export * from './jobs/job-map';
export * from './infrastructure/ledger-verifier';
/** Error codes → HTTP statuses, for the apps' `createHttpApp`. */
export * from './domain/ledger.error-statuses';

/** Tariffs: the credit packages on sale and their prices per currency. */
export * from './tariffs.module';
export * from './application/tariffs.service';
export * from './domain/tariff';

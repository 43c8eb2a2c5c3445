/** Payments: card gateways (YooKassa, Stripe) and Telegram Stars, settled into the ledger exactly once. */
export * from './application/ports/payment-gateway';
export * from './application/payments.service';
export * from './application/stars-payments.service';
export * from './application/payment-settlement';
/** Every tariff purchase is priced here: seed 003's one-time discount applies to card and Stars alike. */
export * from './application/tariff-pricing';
export * from './domain/payment';
export * from './domain/payments.errors';
export * from './infrastructure/gateways';
export * from './jobs/reconcile.processor';
export * from './payments.module';
export * from './domain/payments.settings';

/** Payments: card gateways (YooKassa, Stripe) and Telegram Stars, settled into the ledger exactly once. */
export * from './application/ports/payment-gateway';
export * from './application/payments.service';
export * from './application/stars-payments.service';
export * from './application/payment-settlement';
export * from './domain/payment';
export * from './domain/payments.errors';
export * from './infrastructure/gateways';
export * from './jobs/reconcile.processor';
export * from './payments.module';
export * from './domain/payments.settings';

/** Payments: the card gateway port, its YooKassa and Stripe adapters, and the lib's error codes. */
export * from './application/ports/payment-gateway';
export * from './domain/payments.errors';
export * from './infrastructure/gateways';

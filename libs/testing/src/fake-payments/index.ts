/** Loopback stand-ins for the payment gateways (YooKassa API v3, Stripe Checkout), speaking their wire protocols. */
export { FakeYooKassa, type FakeYooKassaPayment, type YooKassaCall, type YooKassaFailure } from './fake-yookassa';
export { FakeStripe, type StripeCall, type StripeFailure } from './fake-stripe';
export { parseStripeForm } from './stripe-form';

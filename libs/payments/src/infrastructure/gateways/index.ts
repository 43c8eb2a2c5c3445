import { StripeAdapter } from './stripe/stripe.adapter';
import { YooKassaAdapter } from './yookassa/yookassa.adapter';

export { StripeAdapter } from './stripe/stripe.adapter';
export { YooKassaAdapter } from './yookassa/yookassa.adapter';
export { assertAllowedSource, parseYooKassaNotification } from './yookassa/yookassa-notification';
export { currencyDecimals, formatMinor, parseMajor } from './minor-units';

/** Every card gateway adapter; the payments module provides them and lists them under PAYMENT_GATEWAYS. */
export const PAYMENT_GATEWAY_ADAPTERS = [YooKassaAdapter, StripeAdapter];

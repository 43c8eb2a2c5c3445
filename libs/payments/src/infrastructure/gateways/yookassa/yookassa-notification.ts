import ipaddr from 'ipaddr.js';
import { webhookForbidden, webhookInvalid } from '../../../domain/payments.errors';
import { GatewayEvent, GatewayEventType } from '../../../application/ports/payment-gateway';

/**
 * YooKassa's HTTP notifications: `{type: 'notification', event, object}` where `object` is the
 * payment (or, for `refund.*`, the refund, whose `payment_id` names the payment). They carry no
 * signature; YooKassa's advice is to check the sender's address and to re-read the object through
 * the API, which the payments service does before it moves any money.
 */

const EVENT_TYPES: Record<string, GatewayEventType> = {
  'payment.succeeded': 'payment.succeeded',
  'payment.canceled': 'payment.canceled',
  'refund.succeeded': 'refund.succeeded',
  // Only sent for capture: false payments; ours capture at once, so it is not money yet.
  'payment.waiting_for_capture': 'ignored',
};

/** Throws PAYMENT_WEBHOOK_FORBIDDEN unless `sourceIp` is inside one of `allowed` (IPs or CIDRs); an empty list allows all. */
export function assertAllowedSource(sourceIp: string | undefined, allowed: readonly string[]): void {
  if (allowed.length === 0) return;
  if (!sourceIp || !ipaddr.isValid(sourceIp.trim())) throw webhookForbidden('yookassa', sourceIp);
  // `process` turns ::ffff:185.71.76.1 (an IPv4 client on a dual-stack socket) back into IPv4.
  const address = ipaddr.process(sourceIp.trim());
  for (const entry of allowed) {
    const single = entry.includes('/') ? undefined : ipaddr.process(entry);
    const [range, bits] = single ? [single, single.kind() === 'ipv6' ? 128 : 32] : ipaddr.parseCIDR(entry);
    if (range.kind() === address.kind() && address.match(range, bits)) return;
  }
  throw webhookForbidden('yookassa', sourceIp);
}

/** Checks the sender and the shape; the event is only a hint about which payment to re-read. */
export function parseYooKassaNotification(rawBody: Buffer | string, sourceIp: string | undefined, allowed: readonly string[]): GatewayEvent {
  assertAllowedSource(sourceIp, allowed);
  let body: unknown;
  try {
    body = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    throw webhookInvalid('yookassa', 'the body is not JSON');
  }
  const notification = body as { type?: unknown; event?: unknown; object?: Record<string, unknown> } | null;
  if (!notification || typeof notification !== 'object' || notification.type !== 'notification')
    throw webhookInvalid('yookassa', 'type must be "notification"');
  if (typeof notification.event !== 'string' || !notification.event) throw webhookInvalid('yookassa', 'event is missing');
  const object = notification.object;
  if (!object || typeof object !== 'object' || typeof object.id !== 'string' || !object.id) throw webhookInvalid('yookassa', 'object.id is missing');
  const isRefund = notification.event.startsWith('refund.');
  const externalId = isRefund ? object.payment_id : object.id;
  if (typeof externalId !== 'string' || !externalId) throw webhookInvalid('yookassa', 'object.payment_id is missing');
  const metadata = object.metadata as Record<string, unknown> | undefined;
  const paymentId = typeof metadata?.payment_id === 'string' ? metadata.payment_id : undefined;
  return {
    type: EVENT_TYPES[notification.event] ?? 'ignored',
    gatewayEvent: notification.event,
    externalId,
    ...(paymentId ? { paymentId } : {}),
  };
}

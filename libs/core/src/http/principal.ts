import type { FastifyRequest } from 'fastify';

/** Who is calling, as the auth guards establish it; used for scoping and for the logs. */
export type Principal =
  { kind: 'service'; name: string } | { kind: 'miniapp'; name: string; telegramId: string } | { kind: 'admin'; name: string; telegramId: string };

const PRINCIPAL = Symbol('genbot.principal');

export function setPrincipal(request: FastifyRequest, principal: Principal): void {
  (request as unknown as Record<symbol, Principal>)[PRINCIPAL] = principal;
  // pino-http reads this off the raw request to put the caller's name into the access log.
  (request.raw as unknown as { principalName?: string }).principalName = principal.name;
}

export function principalOf(request: FastifyRequest): Principal | undefined {
  return (request as unknown as Record<symbol, Principal | undefined>)[PRINCIPAL];
}

/**
 * The one idempotency scope: a client's key counts only for that client and that operation, so two
 * clients (or one client's two endpoints) can never replay each other's requests.
 */
export function scopedIdempotencyKey(principal: Pick<Principal, 'name'> | undefined, operation: string, key: string): string {
  return `api:${principal?.name ?? 'anonymous'}:${operation}:${key}`;
}

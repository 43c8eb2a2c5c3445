/** Jobs of the `ledger` queue and their payloads. */
export interface LedgerJobMap {
  'ledger.expire-holds': Record<string, never>;
}

export const EXPIRE_HOLDS_EVERY_MS = 30_000;

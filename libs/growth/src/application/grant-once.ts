import { DomainError } from '@genbot/core';
import { LedgerService, TransferInput } from '@genbot/ledger';

/**
 * A one-time reward: true when this call paid it. The key names the reward (user, channel…), so a
 * repeat moves nothing; a repeat after the operator changed the amount is the same reward already
 * paid (the ledger calls it a conflicting reuse of the key), not a second one.
 */
export async function grantOnce(ledger: LedgerService, input: TransferInput): Promise<boolean> {
  try {
    return (await ledger.transfer(input)).created;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'LEDGER_IDEMPOTENCY_CONFLICT') return false;
    throw error;
  }
}

import { DomainError } from '@genbot/core';

export const insufficientCredits = (details: { accountId: string; amount: number }) =>
  new DomainError('LEDGER_INSUFFICIENT_CREDITS', 'Not enough credits', details);
export const idempotencyConflict = (key: string) =>
  new DomainError('LEDGER_IDEMPOTENCY_CONFLICT', 'This idempotency key was already used for a different transfer', { idempotencyKey: key });
export const accountNotFound = (accountId: string) => new DomainError('LEDGER_ACCOUNT_NOT_FOUND', 'No credits account for this user', { accountId });
export const holdNotFound = (holdId: string) => new DomainError('LEDGER_HOLD_NOT_FOUND', 'Hold not found', { holdId });
export const holdAlreadyResolved = (holdId: string, resolution: string) =>
  new DomainError('LEDGER_HOLD_ALREADY_RESOLVED', `This hold was already ${resolution === 'post' ? 'captured' : 'released'}`, { holdId, resolution });
export const holdExpired = (holdId: string) => new DomainError('LEDGER_HOLD_EXPIRED', 'This hold has expired and its credits were returned', { holdId });
export const captureExceedsHold = (holdId: string, held: number, requested: number) =>
  new DomainError('LEDGER_CAPTURE_EXCEEDS_HOLD', `Cannot capture ${requested}: only ${held} is held`, { holdId, held, requested });
export const invalidAmount = (amount: unknown) =>
  new DomainError('VALIDATION_FAILED', 'amount must be a positive integer', {
    fields: [{ field: 'amount', problems: ['must be a positive integer'] }],
    amount,
  });
export const amountTooLarge = (amount: number, max: number) =>
  new DomainError('VALIDATION_FAILED', `amount must be at most ${max}`, {
    fields: [{ field: 'amount', problems: [`must be at most ${max} credits per transfer`] }],
    amount,
    max,
  });
export const limitExceeded = (details: { accountIds: string[]; amount?: number }) =>
  new DomainError('LEDGER_LIMIT_EXCEEDED', 'This transfer would take an account past the ledger’s bound on credits; nothing was moved', details);

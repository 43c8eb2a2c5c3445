import { DomainError } from '../errors/domain-error';
import { ErrorBodyFilter } from './error-body.filter';
import { CORE_ERROR_STATUSES, ErrorStatusConflict, combineErrorStatuses } from './error-status';

describe('error statuses', () => {
  it('combines core generic codes with the maps it is given', () => {
    const statuses = combineErrorStatuses({ LEDGER_INSUFFICIENT_CREDITS: 402 }, { STORAGE_TOO_LARGE: 413 });
    expect(statuses.get('VALIDATION_FAILED')).toBe(400);
    expect(statuses.get('LEDGER_INSUFFICIENT_CREDITS')).toBe(402);
    expect(statuses.get('STORAGE_TOO_LARGE')).toBe(413);
    expect(statuses.get('GENERATION_NOT_FOUND')).toBeUndefined();
  });

  it('accepts a code listed twice with the same status', () => {
    expect(combineErrorStatuses({ NOT_FOUND: CORE_ERROR_STATUSES.NOT_FOUND }, { X_GONE: 410 }, { X_GONE: 410 }).get('X_GONE')).toBe(410);
  });

  it('refuses one code with two statuses, at construction (boot), naming the code', () => {
    expect(() => combineErrorStatuses({ X_TAKEN: 409 }, { X_TAKEN: 422 })).toThrow(ErrorStatusConflict);
    expect(() => new ErrorBodyFilter([{ RATE_LIMITED: 503 }])).toThrow('Error code RATE_LIMITED is mapped to both 429 and 503');
  });

  it('an app only knows the codes of the libs it was given: the rest are 500s', () => {
    const filter = new ErrorBodyFilter([{ LEDGER_HOLD_EXPIRED: 409 }]);
    expect(filter.statusForCode(new DomainError('LEDGER_HOLD_EXPIRED', 'x').code)).toBe(409);
    expect(filter.statusForCode('STORAGE_TOO_LARGE')).toBeUndefined();
  });
});

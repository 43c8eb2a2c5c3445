import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TELEGRAM_ID = /^[1-9]\d{0,18}$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]+$/;

function invalid(field: string, problem: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `${field} ${problem}`, { fields: [{ field, problems: [problem] }] });
}

/** Path ids are checked before they reach SQL, so a bad one is a 400 and never a 500. */
@Injectable()
export class UuidParam implements PipeTransform<string, string> {
  constructor(private readonly field = 'id') {}
  transform(value: string): string {
    if (!UUID.test(value)) throw invalid(this.field, 'must be a UUID');
    return value.toLowerCase();
  }
}

/** A Telegram id as digits: positive and within PostgreSQL's bigint, so it never fails in SQL. */
export function isTelegramId(value: string): boolean {
  return TELEGRAM_ID.test(value) && BigInt(value) <= 9223372036854775807n;
}

@Injectable()
export class TelegramIdParam implements PipeTransform<string, string> {
  constructor(private readonly field = 'telegram_id') {}
  transform(value: string): string {
    if (!isTelegramId(value)) throw invalid(this.field, 'must be a positive integer Telegram id');
    return value;
  }
}

/**
 * A client's `Idempotency-Key` (undefined when none was sent): visible ASCII, and short enough
 * that the key, scoped by caller and operation, still fits the column it is stored in.
 */
export function idempotencyKeyFrom(value: string | string[] | undefined, maxLength = 200): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > maxLength || !IDEMPOTENCY_KEY.test(value)) {
    throw invalid('Idempotency-Key', `must be 1-${maxLength} visible ASCII characters`);
  }
  return value;
}

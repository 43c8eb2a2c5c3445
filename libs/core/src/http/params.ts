import { Injectable, PipeTransform } from '@nestjs/common';
import { ValidateBy, ValidateIf } from 'class-validator';
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

/** Upper bound of a PostgreSQL `integer` column: an @IsInt field stored in one gets @Max(INT4_MAX). */
export const INT4_MAX = 2_147_483_647;
/** Upper bound of an @IsInt field stored in a `bigint` column: what a JS number holds exactly. */
export const SAFE_INT_MAX = Number.MAX_SAFE_INTEGER;

/**
 * A Telegram id as a DTO field: a positive safe integer, or (`strings`) a string of digits
 * within PostgreSQL's bigint. Anything larger is a 400 here instead of a 500 in SQL.
 */
export const IsTelegramId = (accept: { numbers?: boolean; strings?: boolean } = { numbers: true, strings: true }) =>
  ValidateBy({
    name: 'isTelegramId',
    validator: {
      validate: (value) =>
        (accept.numbers === true && typeof value === 'number' && Number.isSafeInteger(value) && value > 0) ||
        (accept.strings === true && typeof value === 'string' && isTelegramId(value)),
      defaultMessage: (args) =>
        `${args?.property ?? 'value'} must be a positive integer Telegram id${accept.strings ? (accept.numbers ? ' (number or string of digits)' : ' given as a string of digits') : ''}`,
    },
  });

/**
 * Like @IsOptional(), but only a missing field is skipped: an explicit `null` is validated (and
 * refused) instead of reaching code that reads `null` as "given" (`userId: null` was a 500).
 */
export const IsOptionalNotNull = () => ValidateIf((_object, value) => value !== undefined);

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

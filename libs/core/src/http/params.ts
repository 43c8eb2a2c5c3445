import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TELEGRAM_ID = /^[1-9]\d{0,19}$/;

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

@Injectable()
export class TelegramIdParam implements PipeTransform<string, string> {
  constructor(private readonly field = 'telegram_id') {}
  transform(value: string): string {
    if (!TELEGRAM_ID.test(value) || BigInt(value) > 9223372036854775807n) throw invalid(this.field, 'must be a positive integer Telegram id');
    return value;
  }
}

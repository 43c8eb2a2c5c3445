import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '@genbot/core';

export interface LoginWidgetUser {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  photoUrl?: string;
  authDate: Date;
}

export interface LoginWidgetVerificationOptions {
  maxAgeSeconds: number;
  now?: Date;
}

// Same tolerance as for Mini App init data: a little clock drift, never a post-dated login.
const MAX_FUTURE_SKEW_SECONDS = 60;
const SHA256_HEX = /^[0-9a-f]{64}$/i;
const UNIX_SECONDS = /^[0-9]{1,12}$/;
const TELEGRAM_ID = /^[1-9][0-9]{0,15}$/;

const invalid = (message: string): DomainError => new DomainError('AUTH_LOGIN_INVALID', message);

/**
 * The signature is checked before any field is trusted, so a forged login is always
 * `AUTH_LOGIN_INVALID` and `AUTH_LOGIN_EXPIRED` is only ever said about a genuine one.
 */
export function verifyLoginWidget(data: Record<string, string | number>, botToken: string, opts: LoginWidgetVerificationOptions): LoginWidgetUser {
  if (!Number.isFinite(opts.maxAgeSeconds) || opts.maxAgeSeconds < 0) {
    // A NaN here would make every age comparison false, i.e. a login that never expires.
    throw new RangeError('maxAgeSeconds must be a non-negative finite number');
  }
  if (typeof data !== 'object' || data === null) throw invalid('Telegram login data is missing.');

  const fields = new Map<string, string>();
  for (const [key, value] of Object.entries(data) as [string, unknown][]) {
    // A DTO instance carries its unset optional properties as `undefined` (ES2022 class fields);
    // the widget never sent them, so they are not part of what Telegram signed.
    if (value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw invalid('Telegram login data has a malformed field.');
    }
    fields.set(key, String(value));
  }

  const hash = fields.get('hash');
  if (hash === undefined) throw invalid('Telegram login data is not signed.');
  if (!SHA256_HEX.test(hash)) throw invalid('Telegram login data has a malformed signature.');
  fields.delete('hash');

  const dataCheckString = [...fields.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
  // The widget's secret is a plain SHA-256 of the token, unlike the Mini App's HMAC("WebAppData").
  const secret = createHash('sha256').update(botToken).digest();
  const expected = createHmac('sha256', secret).update(dataCheckString).digest();
  // Both sides are 32 bytes: the regex above pinned the hash to 64 hex digits.
  if (!timingSafeEqual(expected, Buffer.from(hash, 'hex'))) {
    throw invalid('Telegram login signature does not match.');
  }

  const authDateText = fields.get('auth_date');
  if (authDateText === undefined || !UNIX_SECONDS.test(authDateText)) {
    throw invalid('Telegram login data has a missing or invalid auth_date.');
  }
  const authDate = new Date(Number(authDateText) * 1000);
  const now = opts.now ?? new Date();
  const ageSeconds = (now.getTime() - authDate.getTime()) / 1000;
  if (ageSeconds > opts.maxAgeSeconds || ageSeconds < -MAX_FUTURE_SKEW_SECONDS) {
    throw new DomainError('AUTH_LOGIN_EXPIRED', 'Telegram login has expired; log in again.');
  }

  const idText = fields.get('id');
  const id = idText !== undefined && TELEGRAM_ID.test(idText) ? Number(idText) : NaN;
  if (!Number.isSafeInteger(id)) throw invalid('Telegram login data has an invalid user id.');
  const firstName = fields.get('first_name');
  if (firstName === undefined) throw invalid('Telegram login data has no first name.');

  return {
    id,
    firstName,
    lastName: fields.get('last_name'),
    username: fields.get('username'),
    photoUrl: fields.get('photo_url'),
    authDate,
  };
}

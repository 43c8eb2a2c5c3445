import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError, storableText } from '@genbot/core';

export interface InitDataUser {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
  isPremium?: boolean;
  photoUrl?: string;
}

export interface InitData {
  user: InitDataUser;
  authDate: Date;
  queryId?: string;
  startParam?: string;
  chatType?: string;
  chatInstance?: string;
  /** The string exactly as received, for forwarding or auditing. */
  raw: string;
}

export interface InitDataValidationOptions {
  maxAgeSeconds: number;
  now?: Date;
}

// Tolerates a client clock slightly ahead of ours; anything further ahead was not issued by
// Telegram for this session and must not live longer than maxAgeSeconds.
const MAX_FUTURE_SKEW_SECONDS = 60;
const SHA256_HEX = /^[0-9a-f]{64}$/i;
const UNIX_SECONDS = /^[0-9]{1,12}$/;

const missing = (): DomainError => new DomainError('AUTH_INIT_DATA_MISSING', 'Telegram init data is missing.');
const invalid = (message: string): DomainError => new DomainError('AUTH_INIT_DATA_INVALID', message);

/**
 * Checks the HMAC before reading anything else, so forged or foreign-bot data is always
 * `AUTH_INIT_DATA_INVALID`, and `AUTH_INIT_DATA_EXPIRED` is only ever said about genuine data.
 */
export function validateInitData(raw: string, botToken: string, opts: InitDataValidationOptions): InitData {
  if (!Number.isFinite(opts.maxAgeSeconds) || opts.maxAgeSeconds < 0) {
    // A NaN here would make every age comparison false, i.e. init data that never expires.
    throw new RangeError('maxAgeSeconds must be a non-negative finite number');
  }
  if (typeof raw !== 'string' || raw.trim() === '') throw missing();

  const fields = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(raw.trim())) {
    // Which of two copies the signature covers is ambiguous, and Telegram never sends duplicates.
    if (fields.has(key)) throw invalid('Telegram init data contains a duplicate field.');
    fields.set(key, value);
  }

  const hash = fields.get('hash');
  if (hash === undefined) throw invalid('Telegram init data is not signed.');
  if (!SHA256_HEX.test(hash)) throw invalid('Telegram init data has a malformed signature.');
  fields.delete('hash');

  // `signature` (Telegram's Ed25519 third-party signature) stays in: the bot-token HMAC covers it.
  const dataCheckString = [...fields.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
  const secret = createHmac('sha256', 'WebAppData').update(botToken).digest();
  const expected = createHmac('sha256', secret).update(dataCheckString).digest();
  // Both sides are 32 bytes: the regex above pinned the hash to 64 hex digits.
  if (!timingSafeEqual(expected, Buffer.from(hash, 'hex'))) {
    throw invalid('Telegram init data signature does not match.');
  }

  const authDate = parseAuthDate(fields.get('auth_date'));
  const now = opts.now ?? new Date();
  const ageSeconds = (now.getTime() - authDate.getTime()) / 1000;
  if (ageSeconds > opts.maxAgeSeconds || ageSeconds < -MAX_FUTURE_SKEW_SECONDS) {
    throw new DomainError('AUTH_INIT_DATA_EXPIRED', 'Telegram init data has expired; reopen the Mini App.');
  }

  const userJson = fields.get('user');
  if (userJson === undefined) throw invalid('Telegram init data has no user.');

  return {
    user: parseUser(userJson),
    authDate,
    queryId: storableOrUndefined(fields.get('query_id')),
    startParam: storableOrUndefined(fields.get('start_param')),
    chatType: storableOrUndefined(fields.get('chat_type')),
    chatInstance: storableOrUndefined(fields.get('chat_instance')),
    raw,
  };
}

/**
 * Reads init data from `X-Telegram-Init-Data: <raw>` or `Authorization: tma <raw>`; the dedicated
 * header wins when both are sent. Blank values count as absent.
 */
export function parseAuthorizationInitData(headers: { authorization?: string; 'x-telegram-init-data'?: string }): string | undefined {
  const direct = headers['x-telegram-init-data']?.trim();
  if (direct) return direct;
  const match = /^tma\s+(\S.*)$/is.exec(headers.authorization?.trim() ?? '');
  return match ? match[1].trim() : undefined;
}

function parseAuthDate(value: string | undefined): Date {
  if (value === undefined || !UNIX_SECONDS.test(value)) {
    throw invalid('Telegram init data has a missing or invalid auth_date.');
  }
  return new Date(Number(value) * 1000);
}

function parseUser(json: string): InitDataUser {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw invalid('Telegram init data has a malformed user.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('Telegram init data has a malformed user.');
  }
  const user = parsed as Record<string, unknown>;
  const id = user['id'];
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
    throw invalid('Telegram init data has an invalid user id.');
  }
  const firstName = user['first_name'];
  if (typeof firstName !== 'string') throw invalid('Telegram init data has a malformed user.');

  // Telegram signed these names, so refusing them would lock the user out; NUL and lone
  // surrogates (which PostgreSQL refuses) are dropped or replaced with U+FFFD instead.
  return {
    id,
    firstName: storableText(firstName),
    lastName: storableOrUndefined(optional(user, 'last_name', 'string')),
    username: storableOrUndefined(optional(user, 'username', 'string')),
    languageCode: storableOrUndefined(optional(user, 'language_code', 'string')),
    isPremium: optional(user, 'is_premium', 'boolean'),
    photoUrl: storableOrUndefined(optional(user, 'photo_url', 'string')),
  };
}

function optional(user: Record<string, unknown>, key: string, type: 'string'): string | undefined;
function optional(user: Record<string, unknown>, key: string, type: 'boolean'): boolean | undefined;
function optional(user: Record<string, unknown>, key: string, type: 'string' | 'boolean'): string | boolean | undefined {
  const value = user[key];
  if (value === undefined) return undefined;
  if (typeof value !== type) throw invalid('Telegram init data has a malformed user.');
  return value as string | boolean;
}

function storableOrUndefined(value: string | undefined): string | undefined {
  return value === undefined ? undefined : storableText(value);
}

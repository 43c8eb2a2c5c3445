import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
export const REFERRAL_CODE_LENGTH = 8;

/** 8 characters from 32 unambiguous ones: 2^40 codes, short enough to type, URL-safe. */
export function newReferralCode(): string {
  let code = '';
  for (let i = 0; i < REFERRAL_CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

export interface StartPayload {
  refCode?: string;
  source?: string;
}

/**
 * `/start ref_<code>` links a referrer, `/start src_<tag>` records an advertising source. Telegram
 * limits deep-link payloads to 64 characters of [A-Za-z0-9_-]; anything else is ignored.
 */
export function parseStartPayload(payload: string | undefined | null): StartPayload {
  const value = payload?.trim() ?? '';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) return {};
  if (value.startsWith('ref_')) {
    const code = value.slice(4).toLowerCase();
    return /^[a-z0-9]{4,16}$/.test(code) ? { refCode: code } : {};
  }
  if (value.startsWith('src_')) {
    const tag = value.slice(4);
    return tag.length > 0 ? { source: tag } : {};
  }
  return {};
}

import { newReferralCode, parseStartPayload } from './start-payload';
import { preferredLanguage } from './user';

describe('parseStartPayload', () => {
  it('reads a referral code, case-insensitively', () => {
    expect(parseStartPayload('ref_AbC234xy')).toEqual({ refCode: 'abc234xy' });
  });

  it('reads an advertising source tag as given', () => {
    expect(parseStartPayload('src_Insta-Spring_24')).toEqual({ source: 'Insta-Spring_24' });
  });

  it.each([undefined, '', 'ref_', 'src_', 'hello', 'ref_a b', 'ref_x', 'ref_' + 'a'.repeat(17), 'src_' + 'a'.repeat(61)])('ignores %p', (payload) => {
    expect(parseStartPayload(payload)).toEqual({});
  });
});

describe('newReferralCode', () => {
  it('makes short URL-safe codes that do not repeat', () => {
    const codes = new Set(Array.from({ length: 2000 }, () => newReferralCode()));
    expect(codes.size).toBe(2000);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{8}$/);
  });
});

describe('preferredLanguage', () => {
  it('prefers the stored choice, then Telegram language, then English', () => {
    expect(preferredLanguage({ language: 'uz' }, 'ru')).toBe('uz');
    expect(preferredLanguage({ language: null }, 'ru-RU')).toBe('ru');
    expect(preferredLanguage(undefined, 'de')).toBe('en');
    expect(preferredLanguage(undefined, undefined)).toBe('en');
  });
});

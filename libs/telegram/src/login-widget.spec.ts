import { createHash, createHmac } from 'node:crypto';
import { DomainError } from '@genbot/core';
import { verifyLoginWidget } from './login-widget';

const BOT_TOKEN = '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const OTHER_BOT_TOKEN = '7000000002:AAFzq0gJ6xK0mXH1b2c3d4e5f6g7h8i9j0k';
const DAY = 86_400;
const NOW = new Date('2025-06-01T12:00:00Z');
const unixSecondsAgo = (s: number): number => Math.floor(NOW.getTime() / 1000) - s;

type WidgetData = Record<string, string | number>;

/**
 * The documented algorithm (core.telegram.org/widgets/login#checking-authorization), written out
 * independently: secret = SHA256(token), hash = hex(HMAC_SHA256(secret, sorted "k=v" lines)).
 */
function signLogin(fields: WidgetData, token = BOT_TOKEN): WidgetData {
  const dataCheckString = Object.keys(fields)
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('\n');
  const secret = createHash('sha256').update(token).digest();
  return { ...fields, hash: createHmac('sha256', secret).update(dataCheckString).digest('hex') };
}

const fullLogin = (authDate = unixSecondsAgo(60)): WidgetData => ({
  id: 279058397,
  first_name: 'Vladislav',
  last_name: 'Kibenko',
  username: 'vdkfrost',
  photo_url: 'https://t.me/i/userpic/320/vdkfrost.jpg',
  auth_date: authDate,
});

const verify = (data: WidgetData, token = BOT_TOKEN) => verifyLoginWidget(data, token, { maxAgeSeconds: DAY, now: NOW });

function codeOf(data: WidgetData, token = BOT_TOKEN): string {
  try {
    verify(data, token);
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a DomainError, got none');
}

describe('verifyLoginWidget', () => {
  it('accepts a correctly signed login and maps every field', () => {
    const authDate = unixSecondsAgo(60);
    expect(verify(signLogin(fullLogin(authDate)))).toEqual({
      id: 279058397,
      firstName: 'Vladislav',
      lastName: 'Kibenko',
      username: 'vdkfrost',
      photoUrl: 'https://t.me/i/userpic/320/vdkfrost.jpg',
      authDate: new Date(authDate * 1000),
    });
  });

  it('accepts the minimal field set and values that arrive as query-string text', () => {
    const authDate = unixSecondsAgo(60);
    const signed = signLogin({ id: '42', first_name: 'Ann', auth_date: String(authDate) });
    expect(verify(signed)).toEqual({ id: 42, firstName: 'Ann', authDate: new Date(authDate * 1000) });
  });

  it('ignores properties a DTO left undefined, since the widget never sent them', () => {
    const signed = signLogin({ id: 42, first_name: 'Ann', auth_date: unixSecondsAgo(60) });
    const dto = { ...signed, last_name: undefined, username: undefined } as unknown as WidgetData;
    expect(verify(dto).id).toBe(42);
  });

  it('rejects tampered, added or removed fields', () => {
    const signed = signLogin(fullLogin());
    const withoutUsername = { ...signed };
    delete withoutUsername['username'];
    for (const forged of [
      { ...signed, id: 1 },
      { ...signed, username: 'admin' },
      { ...signed, auth_date: unixSecondsAgo(0) },
      { ...signed, is_admin: 'true' },
      withoutUsername,
    ]) {
      expect(codeOf(forged)).toBe('AUTH_LOGIN_INVALID');
    }
  });

  it("rejects a login signed with another bot's token", () => {
    expect(codeOf(signLogin(fullLogin(), OTHER_BOT_TOKEN))).toBe('AUTH_LOGIN_INVALID');
  });

  it('rejects a login signed the Mini App way (HMAC "WebAppData" secret)', () => {
    const fields = fullLogin();
    const dataCheckString = Object.keys(fields)
      .sort()
      .map((k) => `${k}=${fields[k]}`)
      .join('\n');
    const webAppSecret = createHmac('sha256', 'WebAppData').update(BOT_TOKEN).digest();
    const hash = createHmac('sha256', webAppSecret).update(dataCheckString).digest('hex');
    expect(codeOf({ ...fields, hash })).toBe('AUTH_LOGIN_INVALID');
  });

  it('expires a stale login and a post-dated one, and says invalid when it is also forged', () => {
    expect(codeOf(signLogin(fullLogin(unixSecondsAgo(DAY + 5))))).toBe('AUTH_LOGIN_EXPIRED');
    expect(verify(signLogin(fullLogin(unixSecondsAgo(DAY - 5)))).id).toBe(279058397);
    expect(codeOf(signLogin(fullLogin(unixSecondsAgo(-120))))).toBe('AUTH_LOGIN_EXPIRED');
    expect(verify(signLogin(fullLogin(unixSecondsAgo(-30)))).id).toBe(279058397);
    expect(codeOf(signLogin(fullLogin(unixSecondsAgo(DAY + 5)), OTHER_BOT_TOKEN))).toBe('AUTH_LOGIN_INVALID');
  });

  it('rejects a missing or malformed hash', () => {
    const { hash, ...unsigned } = signLogin(fullLogin());
    const hex = String(hash);
    expect(codeOf(unsigned)).toBe('AUTH_LOGIN_INVALID');
    expect(codeOf({ ...unsigned, hash: '' })).toBe('AUTH_LOGIN_INVALID');
    expect(codeOf({ ...unsigned, hash: hex.slice(0, 62) })).toBe('AUTH_LOGIN_INVALID');
    expect(codeOf({ ...unsigned, hash: `${hex.slice(0, 62)}zz` })).toBe('AUTH_LOGIN_INVALID');
    expect(codeOf({})).toBe('AUTH_LOGIN_INVALID');
  });

  it('rejects correctly signed data with unusable fields', () => {
    const authDate = unixSecondsAgo(60);
    const cases: [string, WidgetData][] = [
      ['no id', { first_name: 'Ann', auth_date: authDate }],
      ['id zero', { id: 0, first_name: 'Ann', auth_date: authDate }],
      ['id negative', { id: -42, first_name: 'Ann', auth_date: authDate }],
      ['id not a number', { id: 'ann', first_name: 'Ann', auth_date: authDate }],
      ['id fractional', { id: 4.2, first_name: 'Ann', auth_date: authDate }],
      ['id unsafe', { id: '9007199254740993', first_name: 'Ann', auth_date: authDate }],
      ['no first_name', { id: 42, auth_date: authDate }],
      ['no auth_date', { id: 42, first_name: 'Ann' }],
      ['auth_date not a number', { id: 42, first_name: 'Ann', auth_date: 'yesterday' }],
      ['auth_date fractional', { id: 42, first_name: 'Ann', auth_date: authDate + 0.5 }],
    ];
    for (const [name, fields] of cases) {
      expect([name, codeOf(signLogin(fields))]).toEqual([name, 'AUTH_LOGIN_INVALID']);
    }
  });

  it('never echoes the hash or the token in its errors', () => {
    const forged = signLogin(fullLogin(), OTHER_BOT_TOKEN);
    let error: unknown;
    try {
      verify(forged);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    const shown = `${(error as DomainError).message} ${JSON.stringify((error as DomainError).details ?? {})}`;
    expect(shown).not.toContain(String(forged['hash']));
    expect(shown).not.toContain(BOT_TOKEN.split(':')[1]);
  });
});

import { createHash, createHmac } from 'node:crypto';
import { isValid, sign } from '@telegram-apps/init-data-node';
import fc from 'fast-check';
import { DomainError } from '@genbot/core';
import { parseAuthorizationInitData, validateInitData } from './init-data';

const BOT_TOKEN = '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const OTHER_BOT_TOKEN = '7000000002:AAFzq0gJ6xK0mXH1b2c3d4e5f6g7h8i9j0k';
const DAY = 86_400;
const NOW = new Date('2025-06-01T12:00:00Z');
const secondsAgo = (s: number): Date => new Date(NOW.getTime() - s * 1000);

const user = {
  id: 279058397,
  first_name: 'Vladislav',
  last_name: 'Kibenko',
  username: 'vdkfrost',
  language_code: 'ru',
  is_premium: true,
  photo_url: 'https://t.me/i/userpic/320/4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg',
  allows_write_to_pm: true,
};

function signWithLibrary(authDate: Date, token = BOT_TOKEN, extra: { signature?: string } = {}): string {
  return sign(
    { user, query_id: 'AAHdF6IQAAAAAN0XohDhrOrc', chat_type: 'sender', chat_instance: '8428209589180549439', start_param: 'ref_42', ...extra },
    token,
    authDate,
  );
}

/** Signs fields exactly as documented, with no library involved. */
function signByHand(fields: [string, string][], token = BOT_TOKEN): string {
  const dataCheckString = [...fields]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
  const secret = createHmac('sha256', 'WebAppData').update(token).digest();
  const hash = createHmac('sha256', secret).update(dataCheckString).digest('hex');
  return new URLSearchParams([...fields, ['hash', hash]]).toString();
}

/** Library's own view, evaluated at NOW (it reads the real clock) with the same 24 h window. */
function libraryAccepts(raw: string, token = BOT_TOKEN): boolean {
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate'] });
  try {
    return isValid(raw, token, { expiresIn: DAY });
  } finally {
    jest.useRealTimers();
  }
}

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, got none');
}

const validate = (raw: string, token = BOT_TOKEN) => validateInitData(raw, token, { maxAgeSeconds: DAY, now: NOW });
const codeOf = (raw: string, token = BOT_TOKEN): string => errorOf(() => validate(raw, token)).code;

function replaceParam(raw: string, key: string, value: string): string {
  const params = new URLSearchParams(raw);
  params.set(key, value);
  return params.toString();
}

describe('validateInitData', () => {
  it('accepts data signed by @telegram-apps/init-data-node and maps every field', () => {
    const raw = signWithLibrary(secondsAgo(60));
    expect(libraryAccepts(raw)).toBe(true);

    expect(validate(raw)).toEqual({
      user: {
        id: 279058397,
        firstName: 'Vladislav',
        lastName: 'Kibenko',
        username: 'vdkfrost',
        languageCode: 'ru',
        isPremium: true,
        photoUrl: user.photo_url,
      },
      authDate: new Date(Math.floor(secondsAgo(60).getTime() / 1000) * 1000),
      queryId: 'AAHdF6IQAAAAAN0XohDhrOrc',
      startParam: 'ref_42',
      chatType: 'sender',
      chatInstance: '8428209589180549439',
      raw,
    });
  });

  it('agrees with the library for arbitrary users, including non-ASCII and URL-special characters', () => {
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(
        fc.record({ id: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), first_name: text, username: fc.option(text, { nil: undefined }) }),
        fc.option(text, { nil: undefined }),
        fc.integer({ min: 0, max: DAY }),
        (u, startParam, age) => {
          const raw = sign({ user: u, start_param: startParam }, BOT_TOKEN, secondsAgo(age));
          expect(libraryAccepts(raw)).toBe(true);
          const result = validate(raw);
          expect(result.user).toEqual({ id: u.id, firstName: u.first_name, username: u.username });
          expect(result.startParam).toBe(startParam);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects a tampered field, as the library does', () => {
    const raw = signWithLibrary(secondsAgo(60));
    const tampered = [
      replaceParam(raw, 'user', JSON.stringify({ ...user, id: 1 })),
      replaceParam(raw, 'start_param', 'ref_43'),
      replaceParam(raw, 'auth_date', String(Math.floor(NOW.getTime() / 1000))),
      `${raw}&extra=1`,
    ];
    for (const forged of tampered) {
      expect(libraryAccepts(forged)).toBe(false);
      expect(codeOf(forged)).toBe('AUTH_INIT_DATA_INVALID');
    }
  });

  it("rejects data signed with another bot's token, as the library does", () => {
    const raw = signWithLibrary(secondsAgo(60), OTHER_BOT_TOKEN);
    expect(libraryAccepts(raw)).toBe(false);
    expect(codeOf(raw)).toBe('AUTH_INIT_DATA_INVALID');
  });

  it('rejects a stale auth_date as expired, as the library does', () => {
    const stale = signWithLibrary(secondsAgo(DAY + 5));
    expect(libraryAccepts(stale)).toBe(false);
    expect(codeOf(stale)).toBe('AUTH_INIT_DATA_EXPIRED');

    const justInTime = signWithLibrary(secondsAgo(DAY - 5));
    expect(libraryAccepts(justInTime)).toBe(true);
    expect(validate(justInTime).user.id).toBe(user.id);
  });

  it('says invalid, not expired, for stale data that is also forged', () => {
    const stale = signWithLibrary(secondsAgo(DAY + 5), OTHER_BOT_TOKEN);
    expect(codeOf(stale)).toBe('AUTH_INIT_DATA_INVALID');
  });

  it('rejects auth_date more than a minute in the future', () => {
    expect(codeOf(signWithLibrary(secondsAgo(-120)))).toBe('AUTH_INIT_DATA_EXPIRED');
    expect(validate(signWithLibrary(secondsAgo(-30))).user.id).toBe(user.id);
  });

  it('rejects data without a hash, as the library does', () => {
    const params = new URLSearchParams(signWithLibrary(secondsAgo(60)));
    params.delete('hash');
    const unsigned = params.toString();
    expect(libraryAccepts(unsigned)).toBe(false);
    expect(codeOf(unsigned)).toBe('AUTH_INIT_DATA_INVALID');
  });

  it('includes `signature` in the checked data', () => {
    const authDate = String(Math.floor(secondsAgo(60).getTime() / 1000));
    const fields: [string, string][] = [
      ['user', JSON.stringify({ id: 42, first_name: 'Ann' })],
      ['chat_instance', '-1'],
      ['chat_type', 'private'],
      ['auth_date', authDate],
      ['signature', 'm_Jq3fWzNvP0tQ0HgkVbB6Eb9oH4DkA0sVqdFbL1Y0p4E2X2lfPq0yYQFh3sG8xvTq6S1hJk7CrwpYWm9b4AAw'],
    ];
    const raw = signByHand(fields);
    expect(libraryAccepts(raw)).toBe(true);
    expect(validate(raw).user).toEqual({ id: 42, firstName: 'Ann' });

    // The same fields signed without `signature` must not verify once `signature` is added back.
    const withoutSignature = signByHand(fields.filter(([k]) => k !== 'signature'));
    const hashWithoutSignature = new URLSearchParams(withoutSignature).get('hash') ?? '';
    expect(codeOf(replaceParam(raw, 'hash', hashWithoutSignature))).toBe('AUTH_INIT_DATA_INVALID');
    expect(codeOf(replaceParam(raw, 'signature', 'forged'))).toBe('AUTH_INIT_DATA_INVALID');

    const librarySigned = signWithLibrary(secondsAgo(60), BOT_TOKEN, { signature: 'abc' });
    expect(new URLSearchParams(librarySigned).get('signature')).toBe('abc');
    expect(validate(librarySigned).user.id).toBe(user.id);
  });

  it('reports empty input as missing', () => {
    expect(codeOf('')).toBe('AUTH_INIT_DATA_MISSING');
    expect(codeOf('   ')).toBe('AUTH_INIT_DATA_MISSING');
    expect(errorOf(() => validateInitData(undefined as unknown as string, BOT_TOKEN, { maxAgeSeconds: DAY })).code).toBe('AUTH_INIT_DATA_MISSING');
  });

  it('rejects malformed data even when it is correctly signed', () => {
    const authDate = String(Math.floor(secondsAgo(60).getTime() / 1000));
    const userField = (u: unknown): [string, string] => ['user', typeof u === 'string' ? u : JSON.stringify(u)];
    const cases: [string, [string, string][]][] = [
      [
        'no user',
        [
          ['auth_date', authDate],
          ['query_id', 'q'],
        ],
      ],
      ['user not JSON', [userField('{"id":42,'), ['auth_date', authDate]]],
      ['user is an array', [userField([42]), ['auth_date', authDate]]],
      ['user without first_name', [userField({ id: 42 }), ['auth_date', authDate]]],
      ['user id zero', [userField({ id: 0, first_name: 'A' }), ['auth_date', authDate]]],
      ['user id negative', [userField({ id: -5, first_name: 'A' }), ['auth_date', authDate]]],
      ['user id fractional', [userField({ id: 4.2, first_name: 'A' }), ['auth_date', authDate]]],
      ['user id unsafe', [userField({ id: 2 ** 53, first_name: 'A' }), ['auth_date', authDate]]],
      ['user id string', [userField({ id: '42', first_name: 'A' }), ['auth_date', authDate]]],
      ['is_premium not boolean', [userField({ id: 42, first_name: 'A', is_premium: 'yes' }), ['auth_date', authDate]]],
      ['no auth_date', [userField({ id: 42, first_name: 'A' })]],
      ['auth_date not a number', [userField({ id: 42, first_name: 'A' }), ['auth_date', 'yesterday']]],
      ['auth_date negative', [userField({ id: 42, first_name: 'A' }), ['auth_date', '-1']]],
      ['auth_date fractional', [userField({ id: 42, first_name: 'A' }), ['auth_date', `${authDate}.5`]]],
    ];
    for (const [name, fields] of cases) {
      expect([name, codeOf(signByHand(fields))]).toEqual([name, 'AUTH_INIT_DATA_INVALID']);
    }
  });

  it('rejects duplicate keys and a hash that is not 64 hex digits', () => {
    const raw = signWithLibrary(secondsAgo(60));
    const hash = new URLSearchParams(raw).get('hash') ?? '';
    expect(codeOf(`${raw}&start_param=ref_42`)).toBe('AUTH_INIT_DATA_INVALID');
    expect(codeOf(`${raw}&hash=${hash}`)).toBe('AUTH_INIT_DATA_INVALID');
    expect(codeOf(replaceParam(raw, 'hash', hash.slice(0, 62)))).toBe('AUTH_INIT_DATA_INVALID');
    expect(codeOf(replaceParam(raw, 'hash', `${hash.slice(0, 62)}zz`))).toBe('AUTH_INIT_DATA_INVALID');
    expect(codeOf(replaceParam(raw, 'hash', ''))).toBe('AUTH_INIT_DATA_INVALID');
  });

  it('does not accept data signed the Login Widget way', () => {
    const fields: [string, string][] = [
      ['user', JSON.stringify({ id: 42, first_name: 'Ann' })],
      ['auth_date', String(Math.floor(secondsAgo(60).getTime() / 1000))],
    ];
    const dataCheckString = [...fields]
      .sort()
      .map(([k, v]) => `${k}=${v}`)
      .join('\n');
    const widgetSecret = createHash('sha256').update(BOT_TOKEN).digest();
    const hash = createHmac('sha256', widgetSecret).update(dataCheckString).digest('hex');
    expect(codeOf(new URLSearchParams([...fields, ['hash', hash]]).toString())).toBe('AUTH_INIT_DATA_INVALID');
  });

  it('never echoes the hash or the token in its errors', () => {
    const raw = signWithLibrary(secondsAgo(60), OTHER_BOT_TOKEN);
    const hash = new URLSearchParams(raw).get('hash') ?? '';
    for (const error of [errorOf(() => validate(raw)), errorOf(() => validate(signWithLibrary(secondsAgo(2 * DAY))))]) {
      const shown = `${error.message} ${JSON.stringify(error.details ?? {})}`;
      expect(shown).not.toContain(hash);
      expect(shown).not.toContain(BOT_TOKEN);
      expect(shown).not.toContain(BOT_TOKEN.split(':')[1]);
    }
  });

  it('refuses a maxAgeSeconds that would disable expiry', () => {
    const raw = signWithLibrary(secondsAgo(60));
    expect(() => validateInitData(raw, BOT_TOKEN, { maxAgeSeconds: NaN, now: NOW })).toThrow(RangeError);
  });
});

describe('parseAuthorizationInitData', () => {
  const raw = signWithLibrary(secondsAgo(60));

  it('reads the X-Telegram-Init-Data header', () => {
    expect(parseAuthorizationInitData({ 'x-telegram-init-data': raw })).toBe(raw);
    expect(validate(parseAuthorizationInitData({ 'x-telegram-init-data': raw }) ?? '').user.id).toBe(user.id);
  });

  it('reads Authorization: tma with any scheme case', () => {
    for (const scheme of ['tma', 'TMA', 'Tma']) {
      expect(parseAuthorizationInitData({ authorization: `${scheme} ${raw}` })).toBe(raw);
    }
    expect(validate(parseAuthorizationInitData({ authorization: `tma ${raw}` }) ?? '').user.id).toBe(user.id);
  });

  it('prefers the dedicated header when both are sent', () => {
    expect(parseAuthorizationInitData({ 'x-telegram-init-data': raw, authorization: 'tma other' })).toBe(raw);
  });

  it('returns undefined for other schemes, blank values and no headers', () => {
    expect(parseAuthorizationInitData({})).toBeUndefined();
    expect(parseAuthorizationInitData({ authorization: `Bearer ${raw}` })).toBeUndefined();
    expect(parseAuthorizationInitData({ authorization: `tma${raw}` })).toBeUndefined();
    expect(parseAuthorizationInitData({ authorization: 'tma   ' })).toBeUndefined();
    expect(parseAuthorizationInitData({ 'x-telegram-init-data': '  ' })).toBeUndefined();
  });

  it('accepts Node request headers as they are', () => {
    const headers: import('node:http').IncomingHttpHeaders = { authorization: `tma ${raw}` };
    expect(parseAuthorizationInitData(headers)).toBe(raw);
  });
});

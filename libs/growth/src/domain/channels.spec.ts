import { isMemberStatus, normalizeChannel, parseMessageLink } from './channels';

describe('channels', () => {
  it('spells one channel one way', () => {
    for (const spelling of ['@GenBotNews', 'genbotnews', 'https://t.me/GenBotNews', 't.me/genbotnews']) expect(normalizeChannel(spelling)).toBe('@genbotnews');
    expect(normalizeChannel('-1001234567890')).toBe('-1001234567890');
    expect(normalizeChannel('@x')).toBeUndefined();
    expect(normalizeChannel('not a channel')).toBeUndefined();
  });

  it('counts members, admins, creators and restricted users still in the chat', () => {
    expect(['creator', 'administrator', 'member'].every((status) => isMemberStatus({ status }))).toBe(true);
    expect(isMemberStatus({ status: 'restricted', isMember: true })).toBe(true);
    expect(isMemberStatus({ status: 'restricted', isMember: false })).toBe(false);
    expect(isMemberStatus({ status: 'left' })).toBe(false);
    expect(isMemberStatus({ status: 'kicked' })).toBe(false);
  });

  it('reads public and private message links', () => {
    expect(parseMessageLink('https://t.me/GenReviews/42')).toEqual({ chat: '@genreviews', messageId: 42 });
    expect(parseMessageLink('https://t.me/c/1234567/7?thread=1')).toEqual({ chat: '-1001234567', messageId: 7 });
    expect(parseMessageLink('https://example.com/GenReviews/42')).toBeUndefined();
  });
});

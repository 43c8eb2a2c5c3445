import { LotteryTicket, drawWinners, isSocialLink, seedHashOf, ticketWeight } from './lottery';

const ticket = (userId: string, weight: number): LotteryTicket => ({ userId, referrals: weight, socialApproved: false, weight });

describe('lottery draw', () => {
  const tickets = [ticket('c', 3), ticket('a', 1), ticket('b', 0), ticket('d', 6)];
  const prizes = [
    { place: 2, credits: 50 },
    { place: 1, credits: 100 },
  ];

  it('is reproducible from the seed, whatever the order of the tickets, and never picks a zero weight or one user twice', () => {
    const winners = drawWinners('seed-1', tickets, prizes);
    expect(drawWinners('seed-1', [...tickets].reverse(), prizes)).toEqual(winners);
    expect(winners.map((w) => [w.place, w.credits])).toEqual([
      [1, 100],
      [2, 50],
    ]);
    expect(new Set(winners.map((w) => w.userId)).size).toBe(2);
    expect(winners.map((w) => w.userId)).not.toContain('b');
  });

  it('follows the weights', () => {
    const wins: Record<string, number> = {};
    for (let i = 0; i < 3000; i++) {
      const [first] = drawWinners(`seed-${i}`, tickets, [{ place: 1, credits: 1 }]);
      wins[first.userId] = (wins[first.userId] ?? 0) + 1;
    }
    // 6 : 3 : 1 of 10 tickets.
    expect(wins.d / 3000).toBeCloseTo(0.6, 1);
    expect(wins.c / 3000).toBeCloseTo(0.3, 1);
    expect(wins.a / 3000).toBeCloseTo(0.1, 1);
    expect(wins.b).toBeUndefined();
  });

  it('gives fewer winners than prizes when tickets run out, none without tickets', () => {
    expect(drawWinners('s', [ticket('a', 2)], prizes)).toEqual([{ place: 1, credits: 100, userId: 'a', weight: 2 }]);
    expect(drawWinners('s', [], prizes)).toEqual([]);
  });

  it('commits to the seed by its SHA-256', () => {
    expect(seedHashOf('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('weighs referrals, adds social tickets, and holds back entrants under the minimum', () => {
    expect(ticketWeight(2, true, { minReferrals: 0, socialTickets: 1 })).toBe(3);
    expect(ticketWeight(0, true, { minReferrals: 0, socialTickets: 2 })).toBe(2);
    expect(ticketWeight(1, true, { minReferrals: 2, socialTickets: 1 })).toBe(0);
  });

  it('accepts https links to posts only', () => {
    expect(isSocialLink('https://instagram.com/p/Cx123')).toBe(true);
    expect(isSocialLink('https://vk.com/wall-1_2')).toBe(true);
    for (const bad of ['http://instagram.com/p/1', 'https://instagram.com/', 'javascript:alert(1)', 'https://local/p/1', 'https://x.com/a b', 'not a url'])
      expect(isSocialLink(bad)).toBe(false);
  });
});

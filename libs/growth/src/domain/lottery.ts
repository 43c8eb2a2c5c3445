import { createHash, createHmac } from 'node:crypto';

export interface LotteryPrize {
  place: number;
  credits: number;
}

/** Who may win and with how many tickets: referrals made during the lottery, plus tickets for approved social posts. */
export interface LotteryRules {
  /** Referrals during the lottery an entrant needs to take part (default 0). */
  minReferrals: number;
  /** Tickets an approved social-links entry adds (default 1). */
  socialTickets: number;
}

export interface Lottery {
  id: string;
  title: string;
  description: string;
  startDate: Date;
  endDate: Date;
  prizes: LotteryPrize[];
  rules: LotteryRules;
  /** SHA-256 (hex) of the seed, published from the start. */
  seedHash: string;
  /** Revealed once drawn; null before. */
  seed: string | null;
  drawnAt: Date | null;
  draw: LotteryDraw | null;
  createdAt: Date;
}

export interface LotteryTicket {
  userId: string;
  referrals: number;
  socialApproved: boolean;
  weight: number;
}

export interface LotteryWinner extends LotteryPrize {
  userId: string;
  weight: number;
}

/** Everything needed to re-run the draw: the tickets, the algorithm, and (with the revealed seed) the winners follow. */
export interface LotteryDraw {
  algorithm: typeof DRAW_ALGORITHM;
  tickets: LotteryTicket[];
  winners: LotteryWinner[];
}

export const DRAW_ALGORITHM = 'hmac-sha256-weighted-v1';

export function seedHashOf(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

export function ticketWeight(referrals: number, socialApproved: boolean, rules: LotteryRules): number {
  if (referrals < rules.minReferrals) return 0;
  return referrals + (socialApproved ? rules.socialTickets : 0);
}

/**
 * The winners, place by place: tickets sorted by user id; for each place, HMAC-SHA256(seed,
 * "place:<n>") read as an integer, modulo the tickets' total weight, picks the ticket whose weight
 * range holds it, and that user leaves the pool. Anyone with the seed and the tickets gets the
 * same winners.
 */
export function drawWinners(seed: string, tickets: LotteryTicket[], prizes: LotteryPrize[]): LotteryWinner[] {
  const pool = tickets.filter((t) => t.weight > 0).sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  const winners: LotteryWinner[] = [];
  for (const prize of [...prizes].sort((a, b) => a.place - b.place)) {
    const total = pool.reduce((sum, t) => sum + t.weight, 0);
    if (total === 0) break;
    const digest = createHmac('sha256', seed).update(`place:${prize.place}`).digest('hex');
    let point = Number(BigInt(`0x${digest}`) % BigInt(total));
    const index = pool.findIndex((t) => (point -= t.weight) < 0);
    const [ticket] = pool.splice(index, 1);
    winners.push({ place: prize.place, credits: prize.credits, userId: ticket.userId, weight: ticket.weight });
  }
  return winners;
}

/** A link to a public post: an https URL with a host name, no spaces, at most 512 characters. */
export function isSocialLink(link: string): boolean {
  if (link.length > 512 || /\s/.test(link)) return false;
  try {
    const url = new URL(link);
    return url.protocol === 'https:' && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(url.hostname) && (url.pathname.length > 1 || url.search.length > 1);
  } catch {
    return false;
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { LedgerService } from '@genbot/ledger';
import { TelegramSender } from '@genbot/telegram';
import { UsersService, preferredLanguage } from '@genbot/users';
import { invalidLottery, invalidSocialLinks, lotteryClosed, lotteryEntryNotFound, lotteryNotFound } from '../domain/growth.errors';
import {
  DRAW_ALGORITHM,
  Lottery,
  LotteryPrize,
  LotteryRules,
  LotteryTicket,
  LotteryWinner,
  drawWinners,
  isSocialLink,
  seedHashOf,
  ticketWeight,
} from '../domain/lottery';
import { LotteriesRepository, LotteryEntry, LotteryEntryWithUser } from '../infrastructure/lotteries.repository';
import { ReferralsRepository } from '../infrastructure/referrals.repository';
import { GrowthClock } from './growth-clock';
import { LOTTERY_WIN_TEXTS } from './lottery.texts';

const HISTORY_LIMIT = 50;
const ADMIN_LIST_LIMIT = 200;
const MAX_SOCIAL_LINKS = 10;

export interface CreateLotteryInput {
  title: string;
  description?: string;
  startDate: Date;
  endDate: Date;
  prizes: LotteryPrize[];
  rules?: Partial<LotteryRules>;
}

/** An entry with the referrals its user made during the lottery (so far, or over the whole period once drawn). */
export type LotteryEntryView = LotteryEntry & { referralCount: number };
/** The admin API's entry: with who made it. */
export type AdminLotteryEntryView = LotteryEntryWithUser & { referralCount: number };

/**
 * Seed 001's lotteries. A lottery commits to a random seed by its SHA-256 when created; at its end
 * the worker draws once (the row locked, so two workers make one draw), weighting entrants by the
 * referrals they made during it, pays the prizes from the ledger (keyed by lottery and place),
 * reveals the seed and keeps the tickets, so anyone can re-run the draw.
 */
@Injectable()
export class LotteriesService {
  private readonly logger = new Logger(LotteriesService.name);

  constructor(
    private readonly repository: LotteriesRepository,
    private readonly referrals: ReferralsRepository,
    private readonly users: UsersService,
    private readonly ledger: LedgerService,
    private readonly telegram: TelegramSender,
    private readonly clock: GrowthClock,
  ) {}

  /** For the admin API. */
  async create(input: CreateLotteryInput): Promise<Lottery> {
    if (!(input.endDate.getTime() > input.startDate.getTime())) throw invalidLottery('endDate must be after startDate');
    const places = new Set(input.prizes.map((p) => p.place));
    if (input.prizes.length === 0 || places.size !== input.prizes.length) throw invalidLottery('prizes need distinct places');
    if (input.prizes.some((p) => !Number.isInteger(p.place) || p.place < 1 || !Number.isInteger(p.credits) || p.credits < 1))
      throw invalidLottery('each prize needs a place ≥ 1 and a whole number of credits ≥ 1', { prizes: input.prizes });
    const rules: LotteryRules = { minReferrals: input.rules?.minReferrals ?? 0, socialTickets: input.rules?.socialTickets ?? 1 };
    if (!Number.isInteger(rules.minReferrals) || rules.minReferrals < 0 || !Number.isInteger(rules.socialTickets) || rules.socialTickets < 0)
      throw invalidLottery('rules need whole numbers ≥ 0', { rules });
    const seed = randomBytes(32).toString('hex');
    return this.repository.insert({ ...input, description: input.description ?? '', rules, seed, seedHash: seedHashOf(seed) });
  }

  async current(): Promise<Lottery> {
    return (await this.repository.runningAt(this.clock.now())) ?? throwNotFound();
  }

  history(): Promise<Lottery[]> {
    return this.repository.ended(this.clock.now(), HISTORY_LIMIT);
  }

  async get(id: string): Promise<Lottery> {
    return (await this.repository.findById(id)) ?? throwNotFound({ lotteryId: id });
  }

  /** The user's entry in the current lottery; a user who has brought someone in during it is entered by that. */
  async entryOf(userId: string): Promise<LotteryEntryView> {
    await this.users.getById(userId);
    const lottery = await this.current();
    const referralCount = (await this.referralCounts(lottery)).get(userId) ?? 0;
    if (referralCount > 0) await this.repository.ensureEntries(lottery.id, [userId]);
    const entry = await this.repository.entry(lottery.id, userId);
    if (!entry) throw lotteryEntryNotFound();
    return { ...entry, referralCount };
  }

  async submitSocial(userId: string, links: string[]): Promise<LotteryEntryView> {
    const bad = links.filter((link) => !isSocialLink(link));
    if (links.length === 0 || links.length > MAX_SOCIAL_LINKS || bad.length > 0) throw invalidSocialLinks(bad.length > 0 ? bad : links);
    await this.users.getById(userId);
    const lottery = await this.repository.runningAt(this.clock.now());
    if (!lottery) throw lotteryClosed();
    const entry = await this.repository.submitSocial(lottery.id, userId, [...new Set(links)]);
    return { ...entry, referralCount: (await this.referralCounts(lottery)).get(userId) ?? 0 };
  }

  /** For the admin API: every lottery, newest first (upcoming, running and ended). */
  list(): Promise<Lottery[]> {
    return this.repository.list(ADMIN_LIST_LIMIT);
  }

  /** For the admin API: every entry with its user and referrals; those who brought someone in during it are entered by that. */
  async entries(lotteryId: string): Promise<AdminLotteryEntryView[]> {
    const lottery = await this.get(lotteryId);
    const counts = await this.referralCounts(lottery);
    if (!lottery.drawnAt) await this.repository.ensureEntries(lottery.id, [...counts.keys()]);
    return (await this.repository.entriesWithUsers(lotteryId)).map((entry) => ({ ...entry, referralCount: counts.get(entry.userId) ?? 0 }));
  }

  async entry(entryId: string): Promise<LotteryEntry> {
    return (await this.repository.entryById(entryId)) ?? throwEntryNotFound();
  }

  /** For the admin API: approves or rejects an entry's social links (an entry without links cannot be judged: 404). */
  async reviewSocial(entryId: string, approved: boolean): Promise<LotteryEntry> {
    return (await this.repository.reviewSocial(entryId, approved)) ?? throwEntryNotFound();
  }

  /** The worker's tick: draws every ended lottery not drawn yet; returns how many this call drew. */
  async drawDue(): Promise<number> {
    let drawn = 0;
    for (const id of await this.repository.dueIds(this.clock.now())) if (await this.draw(id)) drawn++;
    return drawn;
  }

  /** Draws one ended lottery; false when another call drew it first (or it has not ended). */
  async draw(lotteryId: string): Promise<boolean> {
    const winners = await this.repository.transaction(async (em) => {
      const lottery = await this.repository.findById(lotteryId, em, true);
      if (!lottery || lottery.drawnAt || lottery.endDate.getTime() > this.clock.now().getTime()) return undefined;
      const counts = await this.referralCounts(lottery);
      await this.repository.ensureEntries(lottery.id, [...counts.keys()], em);
      const tickets: LotteryTicket[] = (await this.repository.entries(lottery.id, em)).map((entry) => {
        const referrals = counts.get(entry.userId) ?? 0;
        const socialApproved = entry.socialStatus === 'approved';
        return { userId: entry.userId, referrals, socialApproved, weight: ticketWeight(referrals, socialApproved, lottery.rules) };
      });
      const won = drawWinners(await this.repository.seedOf(em, lottery.id), tickets, lottery.prizes);
      for (const winner of won) {
        await this.ledger.transfer(
          {
            idempotencyKey: `lottery_prize:${lottery.id}:${winner.place}`,
            from: { system: 'bonuses' },
            to: { userId: winner.userId },
            amount: winner.credits,
            kind: 'lottery_prize',
            reference: lottery.id,
            meta: { place: winner.place },
          },
          em,
        );
        await this.repository.setPrize(em, lottery.id, winner.userId, winner.credits);
      }
      await this.repository.markDrawn(em, lottery.id, { algorithm: DRAW_ALGORITHM, tickets, winners: won });
      return { lottery, won };
    });
    if (!winners) return false;
    await this.notify(winners.lottery, winners.won);
    return true;
  }

  /** Told once, by the call that drew; a failed send is logged, the prize stays paid. */
  private async notify(lottery: Lottery, winners: LotteryWinner[]): Promise<void> {
    for (const winner of winners) {
      try {
        const user = await this.users.getById(winner.userId);
        if (user.blockedAt) continue;
        await this.telegram.sendText(
          user.telegramId,
          LOTTERY_WIN_TEXTS[preferredLanguage(user, user.languageCode)](lottery.title, winner.place, winner.credits),
        );
      } catch (error) {
        this.logger.warn({ err: error, lotteryId: lottery.id, userId: winner.userId }, 'lottery winner not told');
      }
    }
  }

  /** Referrals made during the lottery (until now while it runs). */
  private referralCounts(lottery: Lottery): Promise<Map<string, number>> {
    const now = this.clock.now();
    return this.referrals.countBetween(lottery.startDate, now < lottery.endDate ? now : lottery.endDate);
  }
}

function throwNotFound(details?: Record<string, unknown>): never {
  throw lotteryNotFound(details);
}

function throwEntryNotFound(): never {
  throw lotteryEntryNotFound();
}

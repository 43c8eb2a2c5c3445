import { Injectable } from '@nestjs/common';
import { SettingsService } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { addDays, dailyReward, isTimeZone, localDay, startOfLocalDay } from '../domain/daily-bonus';
import { dailyBonusAlreadyClaimed, invalidTimeZone } from '../domain/growth.errors';
import { DailyBonusRepository } from '../infrastructure/daily-bonus.repository';
import { GrowthClock } from './growth-clock';

export interface DailyBonusClaim {
  /** Credits this claim granted. */
  granted: number;
  /** Consecutive local days claimed, this one included. */
  streak: number;
  /** When the next local day starts (the next claim's earliest time). */
  nextClaimAt: Date;
}

export interface DailyBonusStatus {
  claimedToday: boolean;
  /** The streak still alive (claimed today or yesterday), else 0. */
  streak: number;
  nextClaimAt: Date;
  /** What a claim now (or the next one, when claimed today) would grant. */
  nextCredits: number;
}

/**
 * Seed 003's daily bonus: one claim per local day, a streak of consecutive days, credits by streak
 * day from the `daily_bonus_schedule` setting. A user's day is counted in the time zone of their
 * first claim (given by the Mini App, else the `timezone` setting) and stays there: changing zones
 * must not open a second claim in one day.
 */
@Injectable()
export class DailyBonusService {
  constructor(
    private readonly repository: DailyBonusRepository,
    private readonly ledger: LedgerService,
    private readonly settings: SettingsService,
    private readonly clock: GrowthClock,
  ) {}

  async claim(userId: string, options: { timeZone?: string } = {}): Promise<DailyBonusClaim> {
    if (options.timeZone !== undefined && !isTimeZone(options.timeZone)) throw invalidTimeZone(options.timeZone);
    const schedule = await this.settings.get('daily_bonus_schedule');
    const fallbackZone = await this.defaultTimeZone();
    return this.repository.transaction(async (em) => {
      await this.repository.lockUser(em, userId);
      const last = await this.repository.last(userId, em);
      const timeZone = last?.timeZone ?? options.timeZone ?? fallbackZone;
      const today = localDay(this.clock.now(), timeZone);
      const nextClaimAt = startOfLocalDay(addDays(today, 1), timeZone);
      if (last?.day === today) throw dailyBonusAlreadyClaimed({ streak: last.streak, nextClaimAt: nextClaimAt.toISOString() });
      const streak = last?.day === addDays(today, -1) ? last.streak + 1 : 1;
      const credits = dailyReward(schedule, streak);
      if (!(await this.repository.insert(em, userId, { day: today, timeZone, streak, credits }))) {
        throw dailyBonusAlreadyClaimed({ streak, nextClaimAt: nextClaimAt.toISOString() });
      }
      // Keyed by user and day, in the claim's transaction: the claim row and its credits exist together or not at all.
      if (credits > 0) {
        await this.ledger.transfer(
          {
            idempotencyKey: `daily_bonus:${userId}:${today}`,
            from: { system: 'bonuses' },
            to: { userId },
            amount: credits,
            kind: 'daily_bonus',
            meta: { streak, day: today },
          },
          em,
        );
      }
      return { granted: credits, streak, nextClaimAt };
    });
  }

  async status(userId: string): Promise<DailyBonusStatus> {
    const [last, schedule, fallbackZone] = await Promise.all([this.repository.last(userId), this.settings.get('daily_bonus_schedule'), this.defaultTimeZone()]);
    const timeZone = last?.timeZone ?? fallbackZone;
    const today = localDay(this.clock.now(), timeZone);
    const claimedToday = last?.day === today;
    const alive = claimedToday || last?.day === addDays(today, -1);
    const streak = alive && last ? last.streak : 0;
    return {
      claimedToday,
      streak,
      nextClaimAt: claimedToday ? startOfLocalDay(addDays(today, 1), timeZone) : this.clock.now(),
      nextCredits: dailyReward(schedule, streak + 1),
    };
  }

  private async defaultTimeZone(): Promise<string> {
    const zone = await this.settings.get('timezone');
    return typeof zone === 'string' && isTimeZone(zone) ? zone : 'UTC';
  }
}

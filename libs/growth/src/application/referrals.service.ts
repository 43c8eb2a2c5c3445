import { Injectable } from '@nestjs/common';
import { AppConfig } from '@genbot/core';
import { UsersService } from '@genbot/users';
import { ReferralRecord, ReferralsRepository } from '../infrastructure/referrals.repository';

const HISTORY_LIMIT = 500;

/** Seed 001's referral link, stats and history for one inviter. */
@Injectable()
export class ReferralsService {
  constructor(
    private readonly repository: ReferralsRepository,
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  /** The `ref_<code>` start link /start decodes; undefined while the bot's username is not configured. */
  async link(userId: string): Promise<{ code: string; link: string | undefined }> {
    const user = await this.users.getById(userId);
    const bot = this.config.env.BOT_USERNAME;
    return { code: user.referralCode, link: bot ? `https://t.me/${bot}?start=ref_${user.referralCode}` : undefined };
  }

  async stats(userId: string): Promise<{ invited: number; paid: number; earned: number }> {
    await this.users.getById(userId);
    return this.repository.stats(userId);
  }

  async history(userId: string): Promise<ReferralRecord[]> {
    await this.users.getById(userId);
    return this.repository.history(userId, HISTORY_LIMIT);
  }

  /** True once the user's inviter has earned a reward from them. */
  rewardedFor(inviteeId: string): Promise<boolean> {
    return this.repository.rewardedFor(inviteeId);
  }
}

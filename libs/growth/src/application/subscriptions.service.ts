import { Injectable } from '@nestjs/common';
import { SettingsService } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { TelegramSender } from '@genbot/telegram';
import { UsersService } from '@genbot/users';
import { isMemberStatus, normalizeChannel } from '../domain/channels';
import { channelNotOffered, channelUnavailable, telegramIdMismatch } from '../domain/growth.errors';
import { grantOnce } from './grant-once';

export interface ChannelCheck {
  isMember: boolean;
  bonusGranted: boolean;
  balance: number;
}

/**
 * Seed 001's subscription bonus: Telegram is asked (getChatMember) whether the user is in one of
 * the `subscription_channels`; a member gets `subscription_bonus_credits` once per channel, keyed by
 * user and channel, so leaving and re-joining pays nothing more.
 */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly users: UsersService,
    private readonly ledger: LedgerService,
    private readonly settings: SettingsService,
    private readonly telegram: TelegramSender,
  ) {}

  /** The channels offered, in their normalised spelling. */
  async channels(): Promise<string[]> {
    const configured = await this.settings.get('subscription_channels');
    const list = Array.isArray(configured) ? configured : typeof configured === 'string' ? configured.split(',') : [];
    return list.map((channel) => normalizeChannel(String(channel))).filter((channel): channel is string => channel !== undefined);
  }

  async check(input: { userId: string; telegramId?: string; channel: string }): Promise<ChannelCheck> {
    const user = await this.users.getById(input.userId);
    if (input.telegramId !== undefined && input.telegramId !== user.telegramId) throw telegramIdMismatch();
    const channel = normalizeChannel(input.channel);
    if (!channel || !(await this.channels()).includes(channel)) throw channelNotOffered(input.channel);

    // Whatever Telegram says besides an answer (a 403 when the bot is not in the channel, a 429, a
    // 400 for an unknown chat) means we cannot tell, not that the user is out.
    const member = await this.telegram.chatMember(channel, user.telegramId).catch(() => {
      throw channelUnavailable(channel);
    });
    if (!member) throw channelUnavailable(channel);
    const isMember = isMemberStatus(member);
    const amount = Number(await this.settings.get('subscription_bonus_credits'));
    const bonusGranted =
      isMember &&
      Number.isInteger(amount) &&
      amount > 0 &&
      (await grantOnce(this.ledger, {
        idempotencyKey: `channel_bonus:${user.id}:${channel}`,
        from: { system: 'bonuses' },
        to: { userId: user.id },
        amount,
        kind: 'channel_bonus',
        meta: { channel },
      }));
    return { isMember, bonusGranted, balance: (await this.ledger.balance(user.id)).balance };
  }
}

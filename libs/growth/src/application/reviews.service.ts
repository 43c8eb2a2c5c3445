import { Injectable } from '@nestjs/common';
import { SettingsService } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { UsersService } from '@genbot/users';
import { normalizeChannel, parseMessageLink } from '../domain/channels';
import { ReviewsRepository } from '../infrastructure/reviews.repository';
import { grantOnce } from './grant-once';

export interface ReviewCheck {
  found: boolean;
  bonusGranted: boolean;
  balance: number;
}

/**
 * Seed 001's review bonus. The bot records what users post in the `review_chat_id` chat; a user
 * with a recorded message gets `review_bonus_credits` once (keyed by the user) and `hasLeftReview`.
 */
@Injectable()
export class ReviewsService {
  constructor(
    private readonly repository: ReviewsRepository,
    private readonly users: UsersService,
    private readonly ledger: LedgerService,
    private readonly settings: SettingsService,
  ) {}

  /** Whether this chat is the review chat (by id, or by `@username` when the setting names one). */
  async isReviewChat(chat: { id: number | string; username?: string }): Promise<boolean> {
    const configured = normalizeChannel(String((await this.settings.get('review_chat_id')) ?? ''));
    if (!configured) return false;
    return configured === String(chat.id) || (chat.username !== undefined && configured === normalizeChannel(chat.username));
  }

  /** A link's chat (`@name` or `-100…` id) names the review chat, or is an id the recorded rows will be matched against. */
  private async linksReviewChat(chat: string): Promise<boolean> {
    if (!chat.startsWith('@')) return true;
    return normalizeChannel(String((await this.settings.get('review_chat_id')) ?? '')) === chat;
  }

  /** The bot's record of a message in the review chat; true when new. */
  record(userId: string, chatId: number | string, messageId: number): Promise<boolean> {
    return this.repository.record(userId, String(chatId), messageId);
  }

  async check(input: { userId: string; messageLink?: string }): Promise<ReviewCheck> {
    const user = await this.users.getById(input.userId);
    // A link narrows the search to that message in the review chat; a link we cannot read, or to
    // another chat, finds nothing rather than any review.
    const linked = input.messageLink !== undefined ? parseMessageLink(input.messageLink) : undefined;
    const usable = input.messageLink === undefined || (linked !== undefined && (await this.linksReviewChat(linked.chat)));
    const review = usable
      ? await this.repository.find(user.id, linked && { messageId: linked.messageId, chatId: linked.chat.startsWith('@') ? undefined : linked.chat })
      : undefined;
    let bonusGranted = false;
    if (review) {
      if (user.reviewedAt === null) await this.users.markReviewed(user.id);
      const amount = Number(await this.settings.get('review_bonus_credits'));
      if (Number.isInteger(amount) && amount > 0) {
        bonusGranted = await grantOnce(this.ledger, {
          idempotencyKey: `review_bonus:${user.id}`,
          from: { system: 'bonuses' },
          to: { userId: user.id },
          amount,
          kind: 'review_bonus',
          meta: { reviewId: review.id },
        });
      }
    }
    return { found: review !== undefined, bonusGranted, balance: (await this.ledger.balance(user.id)).balance };
  }
}

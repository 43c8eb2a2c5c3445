import { Ctx, Next, On, Update } from 'nestjs-telegraf';
import { ReviewsService } from '@genbot/growth';
import type { BotContext } from '../telegram/bot-context';

/**
 * Records what users post in the review chat (the `review_chat_id` setting), for seed 001's
 * review bonus; nothing is answered there. Every other message goes on to the next handler.
 */
@Update()
export class ReviewChatHandler {
  constructor(private readonly reviews: ReviewsService) {}

  @On('message')
  async message(@Ctx() ctx: BotContext, @Next() next: () => Promise<void>): Promise<void> {
    const chat = ctx.chat;
    const message = ctx.message;
    if (
      chat &&
      message &&
      chat.type !== 'private' &&
      ctx.state.user &&
      (await this.reviews.isReviewChat({ id: chat.id, username: 'username' in chat ? chat.username : undefined }))
    ) {
      await this.reviews.record(ctx.state.user.id, chat.id, message.message_id);
      return;
    }
    await next();
  }
}

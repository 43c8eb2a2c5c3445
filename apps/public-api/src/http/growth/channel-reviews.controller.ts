import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReviewsService, SubscriptionsService } from '@genbot/growth';
import { Auth } from '../../auth/auth.guard';
import { ChannelCheckDto, CheckChannelDto, CheckReviewDto, ReviewCheckDto } from './dto/growth.dto';

/** Seed 001's one-time bonuses for a channel subscription and a review. */
@Auth('service')
@Controller('api/v1')
export class ChannelReviewsController {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly reviews: ReviewsService,
  ) {}

  @Post('subscriptions/check-channel')
  @HttpCode(200)
  @ApiTags('Subscriptions')
  @ApiOperation({
    operationId: 'subscriptionsCheckChannel',
    summary: 'Asks Telegram whether the user is in the channel; a member’s first check pays the bonus',
  })
  @ApiOkResponse({ type: ChannelCheckDto })
  async checkChannel(@Body() body: CheckChannelDto): Promise<ChannelCheckDto> {
    const check = await this.subscriptions.check({ userId: body.userId, telegramId: body.telegramId, channel: body.channelUsername });
    return { isMember: check.isMember, bonusGranted: check.bonusGranted, balanceTokens: check.balance };
  }

  @Post('reviews/check')
  @HttpCode(200)
  @ApiTags('Reviews')
  @ApiOperation({ operationId: 'reviewsCheck', summary: 'Looks for the user’s message in the review chat; the first check that finds one pays the bonus' })
  @ApiOkResponse({ type: ReviewCheckDto })
  async checkReview(@Body() body: CheckReviewDto): Promise<ReviewCheckDto> {
    const check = await this.reviews.check({ userId: body.userId, messageLink: body.messageLink });
    return { found: check.found, bonusGranted: check.bonusGranted, balanceTokens: check.balance };
  }
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import type { ReferralRecord } from '@genbot/growth';

export class UserQueryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() userId: string;
}

export class RefLinkDto {
  @ApiPropertyOptional({ example: 'https://t.me/genbot?start=ref_k3m9x2pq', description: 'Absent while the bot username is not configured' })
  refLink?: string;
}

export class ReferralStatsDto {
  @ApiProperty({ example: 3 }) totalInvited: number;
  @ApiProperty({ example: 1 }) invitedPaidCount: number;
  @ApiProperty({ example: 12, description: 'Credits earned from invitees’ payments' }) refEarned: number;
}

export class ReferralDto {
  @ApiProperty({ format: 'uuid', description: 'The referral: the invitee’s user id' }) id: string;
  @ApiProperty({ format: 'uuid' }) inviterId: string;
  @ApiProperty({ format: 'uuid' }) inviteeId: string;
  @ApiProperty() inviteePaid: boolean;
  @ApiProperty() rewardGiven: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(r: ReferralRecord): ReferralDto {
    return {
      id: r.inviteeId,
      inviterId: r.inviterId,
      inviteeId: r.inviteeId,
      inviteePaid: r.inviteePaid,
      rewardGiven: r.rewardGiven,
      createdAt: r.createdAt.toISOString(),
    };
  }
}

export class CheckChannelDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() userId: string;

  @ApiProperty({ example: '123456789' })
  @IsString()
  @Matches(/^[1-9]\d{0,18}$/, { message: 'telegramId must be a positive integer given as a string' })
  telegramId: string;

  @ApiProperty({ example: '@genbot_news', description: 'One of the channels the bonus is offered for' })
  @IsString()
  @Length(1, 128)
  channelUsername: string;
}

export class ChannelCheckDto {
  @ApiProperty() isMember: boolean;
  @ApiProperty({ description: 'True only for the check that paid the bonus' }) bonusGranted: boolean;
  @ApiProperty({ example: 10 }) balanceTokens: number;
}

export class CheckReviewDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() userId: string;

  @ApiPropertyOptional({ example: 'https://t.me/genbot_reviews/42', description: 'The review message, when several may exist' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  messageLink?: string;
}

export class ReviewCheckDto {
  @ApiProperty() found: boolean;
  @ApiProperty({ description: 'True only for the check that paid the bonus' }) bonusGranted: boolean;
  @ApiProperty({ example: 20 }) balanceTokens: number;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, IsUUID, MaxLength } from 'class-validator';
import type { Lottery, LotteryDraw, LotteryEntryView, LotteryPrize } from '@genbot/growth';

export class LotteryPrizeDto {
  @ApiProperty({ example: 1 }) place: number;
  @ApiProperty({ example: 500 }) credits: number;
}

export class LotteryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty({ format: 'date-time' }) startDate: string;
  @ApiProperty({ format: 'date-time' }) endDate: string;
  @ApiProperty({ type: [LotteryPrizeDto] }) prizes: LotteryPrize[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ description: 'SHA-256 (hex) of the draw seed, published from the start' }) seedHash: string;
  @ApiPropertyOptional({ description: 'The draw seed, revealed at the draw' }) seed?: string;
  @ApiPropertyOptional({ format: 'date-time' }) drawnAt?: string;
  @ApiPropertyOptional({ description: 'The draw: algorithm, every ticket (user, referrals, weight) and the winners; re-run it with the seed' })
  draw?: LotteryDraw;

  static from(l: Lottery): LotteryDto {
    return {
      id: l.id,
      title: l.title,
      description: l.description,
      startDate: l.startDate.toISOString(),
      endDate: l.endDate.toISOString(),
      prizes: l.prizes,
      createdAt: l.createdAt.toISOString(),
      seedHash: l.seedHash,
      ...(l.seed !== null ? { seed: l.seed } : {}),
      ...(l.drawnAt ? { drawnAt: l.drawnAt.toISOString() } : {}),
      ...(l.draw ? { draw: l.draw } : {}),
    };
  }
}

export class LotteryEntryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) lotteryId: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ description: 'Referrals the user made during the lottery' }) referralCount: number;
  @ApiProperty({ type: [String] }) socialLinks: string[];
  @ApiProperty({ enum: ['none', 'pending', 'approved', 'rejected'], description: 'An admin’s review of the links' }) socialStatus: string;
  @ApiProperty({ description: 'Whether the user won a prize and was credited' }) rewardGiven: boolean;
  @ApiPropertyOptional() prizeCredits?: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(e: LotteryEntryView): LotteryEntryDto {
    return {
      id: e.id,
      lotteryId: e.lotteryId,
      userId: e.userId,
      referralCount: e.referralCount,
      socialLinks: e.socialLinks,
      socialStatus: e.socialStatus,
      rewardGiven: e.prizeCredits !== null,
      ...(e.prizeCredits !== null ? { prizeCredits: e.prizeCredits } : {}),
      createdAt: e.createdAt.toISOString(),
    };
  }
}

export class SubmitSocialDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() userId: string;

  @ApiProperty({ type: [String], example: ['https://instagram.com/p/Cx123'], description: '1–10 https links to public posts' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(512, { each: true })
  socialLinks: string[];
}

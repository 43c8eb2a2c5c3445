import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { AdminLotteryEntryView, Lottery, LotteryDraw, LotteryEntry, LotteryPrize, LotteryRules, SourceDayStats } from '@genbot/growth';

export class LotteryPrizeDto {
  @ApiProperty({ example: 1, minimum: 1 }) @IsInt() @Min(1) @Max(1000) place: number;
  @ApiProperty({ example: 500, minimum: 1, description: 'Credits the winner of this place gets' }) @IsInt() @Min(1) @Max(100_000_000) credits: number;
}

export class LotteryRulesDto {
  @ApiPropertyOptional({ default: 0, description: 'Referrals during the lottery needed to take part' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  minReferrals?: number;

  @ApiPropertyOptional({ default: 1, description: 'Tickets an approved social-links entry adds' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  socialTickets?: number;
}

export class CreateLotteryDto {
  @ApiProperty({ example: 'December lottery' }) @IsString() @Length(1, 200) title: string;
  @ApiPropertyOptional({ example: 'Invite friends: every referral is a ticket' }) @IsOptional() @IsString() @MaxLength(4000) description?: string;
  @ApiProperty({ format: 'date-time' }) @IsDateString({ strict: true }) startDate: string;
  @ApiProperty({ format: 'date-time' }) @IsDateString({ strict: true }) endDate: string;

  @ApiProperty({ type: [LotteryPrizeDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => LotteryPrizeDto)
  prizes: LotteryPrizeDto[];

  @ApiPropertyOptional({ type: LotteryRulesDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LotteryRulesDto)
  rules?: LotteryRulesDto;
}

export class AdminLotteryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty({ format: 'date-time' }) startDate: string;
  @ApiProperty({ format: 'date-time' }) endDate: string;
  @ApiProperty({ type: [LotteryPrizeDto] }) prizes: LotteryPrize[];
  @ApiProperty({ type: LotteryRulesDto }) rules: LotteryRules;
  @ApiProperty({ enum: ['upcoming', 'running', 'ended', 'drawn'] }) status: 'upcoming' | 'running' | 'ended' | 'drawn';
  @ApiProperty({ description: 'SHA-256 (hex) of the draw seed, published from the start' }) seedHash: string;
  @ApiProperty({ nullable: true, type: String, description: 'Revealed at the draw' }) seed: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) drawnAt: string | null;
  @ApiProperty({ nullable: true, description: 'Tickets and winners; re-run with the seed' }) draw: LotteryDraw | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(l: Lottery, now = new Date()): AdminLotteryDto {
    const status = l.drawnAt ? 'drawn' : l.endDate <= now ? 'ended' : l.startDate <= now ? 'running' : 'upcoming';
    return {
      id: l.id,
      title: l.title,
      description: l.description,
      startDate: l.startDate.toISOString(),
      endDate: l.endDate.toISOString(),
      prizes: l.prizes,
      rules: l.rules,
      status,
      seedHash: l.seedHash,
      seed: l.seed,
      drawnAt: l.drawnAt?.toISOString() ?? null,
      draw: l.draw,
      createdAt: l.createdAt.toISOString(),
    };
  }
}

export class AdminLotteryEntryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) lotteryId: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiPropertyOptional({ example: '123456789' }) telegramId?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) username?: string | null;
  @ApiPropertyOptional({ description: 'Referrals the user made during the lottery' }) referralCount?: number;
  @ApiProperty({ type: [String] }) socialLinks: string[];
  @ApiProperty({ enum: ['none', 'pending', 'approved', 'rejected'] }) socialStatus: string;
  @ApiProperty({ nullable: true, type: Number, description: 'The prize credited at the draw' }) prizeCredits: number | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(e: LotteryEntry | AdminLotteryEntryView): AdminLotteryEntryDto {
    return {
      id: e.id,
      lotteryId: e.lotteryId,
      userId: e.userId,
      ...('telegramId' in e ? { telegramId: e.telegramId, username: e.username, referralCount: e.referralCount } : {}),
      socialLinks: e.socialLinks,
      socialStatus: e.socialStatus,
      prizeCredits: e.prizeCredits,
      createdAt: e.createdAt.toISOString(),
    };
  }
}

export class ReviewEntryDto {
  @ApiProperty({ description: 'true approves the links (they add tickets), false rejects them' }) @IsBoolean() approved: boolean;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class SourcesQueryDto {
  @ApiPropertyOptional({ example: '2026-11-01', description: 'First day (YYYY-MM-DD, in the `timezone` setting); default: 29 days before `to`' })
  @IsOptional()
  @Matches(DAY, { message: 'from must be YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'Last day, inclusive; default: today' })
  @IsOptional()
  @Matches(DAY, { message: 'to must be YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ example: 'ads_campaign_01', description: 'One source (the tag after `src_`)' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'source must be 1-64 characters of A-Z a-z 0-9 _ -' })
  source?: string;
}

export class SourceDayDto {
  @ApiProperty({ nullable: true, type: String, description: 'The `src_` tag; null: users who came without one' }) source: string | null;
  @ApiProperty({ example: '2026-11-30', description: 'Registration day' }) day: string;
  @ApiProperty() registrations: number;
  @ApiProperty({ description: 'Of those, users with a finished generation' }) generated: number;
  @ApiProperty({ description: 'Of those, users with a succeeded payment' }) payers: number;
  @ApiProperty({ example: { RUB: 19900, XTR: 70 }, description: 'Their payments net of refunds, minor units per currency (XTR: Stars)' })
  revenue: Record<string, number>;

  static from(row: SourceDayStats): SourceDayDto {
    return { ...row };
  }
}

export class SourcesReportDto {
  @ApiProperty({ example: '2026-11-01' }) from: string;
  @ApiProperty({ example: '2026-11-30' }) to: string;
  @ApiProperty({ example: 'Asia/Tashkent', description: 'The zone days are counted in (the `timezone` setting)' }) timeZone: string;
  @ApiProperty({ type: [SourceDayDto] }) rows: SourceDayDto[];
}

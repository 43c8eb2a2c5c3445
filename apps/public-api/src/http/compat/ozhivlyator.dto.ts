import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { SAFE_INT_MAX } from '@genbot/core';

/** Seed 003's `POST /users` body. */
export class OzhivlyatorCreateUserDto {
  @ApiProperty({ example: 123456789 })
  @IsInt()
  @Min(1)
  @Max(SAFE_INT_MAX)
  chat_id: number;

  @ApiPropertyOptional({ example: 'newuser', nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  username?: string | null;

  @ApiPropertyOptional({ example: 'ref_987654321', description: 'The inviter as `ref_<chat_id>` (or `ref_<our referral code>`); unknown ones are ignored' })
  @IsOptional()
  @IsString()
  @Matches(/^ref_[A-Za-z0-9]{1,24}$/, { message: 'referral_code must look like ref_<chat_id>' })
  referral_code?: string | null;

  @ApiPropertyOptional({ example: 'src_ads_campaign_01', description: 'The `src_<tag>` start payload the user came with' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'advertising_source must be 1-64 characters of A-Z a-z 0-9 _ -' })
  advertising_source?: string | null;
}

/** Seed 003's user, field for field; times are its naive UTC `YYYY-MM-DDTHH:MM:SS.ffffff`. */
export class OzhivlyatorUserDto {
  @ApiProperty({ example: 123456789 }) chat_id: number;
  @ApiProperty({ example: 'newuser', nullable: true, type: String }) username: string | null;
  @ApiProperty({ example: 1, description: 'Credits the user can spend' }) ozhivashki: number;
  @ApiProperty({ example: 0, description: 'Finished generations' }) generation_count: number;
  @ApiProperty({ example: null, nullable: true, type: String }) last_generation_time: string | null;
  @ApiProperty({ example: '2024-03-15T12:00:00.000000' }) registered_at: string;
  @ApiProperty({ example: 'ref_123456789' }) referral_code: string;
  @ApiProperty({ example: 987654321, nullable: true, type: Number }) referred_by: number | null;
  @ApiProperty({ description: "The inviter has been rewarded for this user's payment" }) referral_bonus_claimed: boolean;
  @ApiProperty({ example: null, nullable: true, type: String }) first_generation_time: string | null;
  @ApiProperty() daily_bonus_claimed_today: boolean;
  @ApiProperty({ description: 'Consecutive days claimed, while the streak is alive' }) daily_bonus_streak: number;
  @ApiProperty({ description: 'The one-time discount has been offered' }) discount_offered: boolean;
  @ApiProperty({ example: '2024-03-15T12:00:00.000000' }) last_activity_time: string;
  @ApiProperty({ example: 'src_ads_campaign_01', nullable: true, type: String }) advertising_source: string | null;
  @ApiProperty({
    description: 'YooKassa payments by their id: status, amount (roubles), credits, created_at',
    example: {},
    additionalProperties: true,
  })
  yookassa_payments: Record<string, OzhivlyatorPaymentSummary>;
}

export interface OzhivlyatorPaymentSummary {
  status: string;
  amount: string;
  currency: string;
  ozhivashki: number;
  created_at: string;
}

/** Seed 003's `POST /generate` answer. */
export class OzhivlyatorGenerationDto {
  @ApiProperty({ type: [String], description: 'Base64 images' }) main_images: string[];
  @ApiProperty({ type: [String], description: 'Base64 images beyond the usual count (a first drawing brings some)' }) bonus_images: string[];
  @ApiProperty({ example: 1 }) ozhivashki_spent: number;
  @ApiProperty({ example: 0 }) new_balance: number;
}

/** Seed 003's times: UTC without a zone and with microseconds, as Python's `datetime.isoformat()` wrote them. */
export function compatTime(date: Date): string;
export function compatTime(date: Date | null): string | null;
export function compatTime(date: Date | null): string | null {
  return date ? `${date.toISOString().slice(0, 23)}000` : null;
}

/** Our source tags are stored without the `src_` of the start payload; seed 003 names them with it. */
export function sourceTag(advertisingSource: string): string {
  return advertisingSource.startsWith('src_') ? advertisingSource.slice(4) : advertisingSource;
}

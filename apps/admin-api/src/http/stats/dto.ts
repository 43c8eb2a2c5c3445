import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { LIST_MAX_LIMIT, REPORT_MAX_DAYS } from '@genbot/admin';

export const DEFAULT_DAYS = 30;
export const DEFAULT_LIMIT = 50;

export class DaysQueryDto {
  @ApiPropertyOptional({ default: DEFAULT_DAYS, minimum: 1, maximum: REPORT_MAX_DAYS, description: 'UTC days up to and including today' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(REPORT_MAX_DAYS)
  days?: number;
}

export class PageQueryDto {
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(100_000) offset?: number;
  @ApiPropertyOptional({ default: DEFAULT_LIMIT, maximum: LIST_MAX_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(LIST_MAX_LIMIT)
  limit?: number;
}

export const GENERATION_STATUSES = ['waiting_payment', 'queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const PAYMENT_STATUSES = ['pending', 'succeeded', 'canceled', 'expired'] as const;

export class GenerationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: GENERATION_STATUSES }) @IsOptional() @IsIn(GENERATION_STATUSES) status?: string;
}

export class PaymentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: PAYMENT_STATUSES }) @IsOptional() @IsIn(PAYMENT_STATUSES) status?: string;
}

/** One row past the page says whether another follows, without counting the table. */
export function page<T, R>(rows: T[], offset: number, limit: number, map: (row: T) => R): { items: R[]; offset: number; limit: number; hasMore: boolean } {
  return { items: rows.slice(0, limit).map(map), offset, limit, hasMore: rows.length > limit };
}

class UserCountsDto {
  @ApiProperty() total: number;
  @ApiProperty({ description: 'Registered in the period' }) new: number;
  @ApiProperty({ description: 'Seen by the bot in the period' }) active: number;
}

class GenerationCountsDto {
  @ApiProperty() total: number;
  @ApiProperty() completed: number;
  @ApiProperty() failed: number;
  @ApiProperty({ description: 'Waiting for payment, queued or running' }) running: number;
  @ApiProperty({ description: 'Price of the completed, non-trial ones' }) creditsCharged: number;
}

export class RevenueDto {
  @ApiProperty({ example: 'XTR' }) currency: string;
  @ApiProperty({ description: 'Payments that succeeded' }) count: number;
  @ApiProperty({ description: 'In minor units (Stars are whole)' }) amountMinor: number;
  @ApiProperty() credits: number;
}

export class StatsDto {
  @ApiProperty() days: number;
  @ApiProperty({ description: 'Start of the period (UTC midnight)' }) since: string;
  @ApiProperty({ type: UserCountsDto }) users: UserCountsDto;
  @ApiProperty({ type: GenerationCountsDto }) generations: GenerationCountsDto;
  @ApiProperty({ example: { count: 3, revenue: [{ currency: 'XTR', count: 3, amountMinor: 210, credits: 3000 }] } })
  payments: { count: number; revenue: RevenueDto[] };
}

export class DailyCountDto {
  @ApiProperty({ example: '2026-12-01' }) day: string;
  @ApiProperty() count: number;
}

export class DailyGenerationsDto {
  @ApiProperty({ example: '2026-12-01' }) day: string;
  @ApiProperty() total: number;
  @ApiProperty() completed: number;
  @ApiProperty() failed: number;
}

export class DailyRevenueDto extends RevenueDto {
  @ApiProperty({ example: '2026-12-01' }) day: string;
  @ApiProperty() refundedMinor: number;
}

export class ModelBreakdownDto {
  @ApiProperty() slug: string;
  @ApiProperty() name: string;
  @ApiProperty() total: number;
  @ApiProperty() completed: number;
  @ApiProperty() failed: number;
  @ApiProperty({ description: 'Price of the completed ones' }) credits: number;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import type { AdminGenerationRow } from '@genbot/admin';

export class AdminGenerationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '123456789' }) userTelegramId: string;
  @ApiProperty({ example: 'nano-banana' }) model: string;
  @ApiProperty({ example: 't2i' }) mode: string;
  @ApiProperty({ example: 'succeeded' }) status: string;
  @ApiProperty() priceCredits: number;
  @ApiProperty() isTrial: boolean;
  @ApiPropertyOptional({ nullable: true }) error: string | null;
  @ApiProperty({ description: 'Credits given back by an operator' }) refundedCredits: number;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ nullable: true }) finishedAt: string | null;

  static from(row: AdminGenerationRow): AdminGenerationDto {
    return { ...row, createdAt: row.createdAt.toISOString(), finishedAt: row.finishedAt?.toISOString() ?? null };
  }
}

export class AdminGenerationPageDto {
  @ApiProperty({ type: [AdminGenerationDto] }) items: AdminGenerationDto[];
  @ApiProperty() offset: number;
  @ApiProperty() limit: number;
  @ApiProperty() hasMore: boolean;
}

export class RefundGenerationDto {
  @ApiPropertyOptional({ example: 'provider returned a blank image' }) @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

export class QueueCountsDto {
  @ApiProperty({ description: 'BullMQ job counts of the generations queue by state', example: { active: 1, waiting: 0, delayed: 2, failed: 0 } })
  jobs: Record<string, number>;
  @ApiProperty({ description: 'Unfinished generations by status', example: { waiting_payment: 0, queued: 1, running: 2 } })
  generations: Record<string, number>;
}

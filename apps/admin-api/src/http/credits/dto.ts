import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsPositive, IsString, Length, Matches, Max } from 'class-validator';
import { IsTelegramId, SAFE_INT_MAX } from '@genbot/core';

export class AdjustCreditsDto {
  @ApiProperty({ example: '123456789' }) @IsTelegramId() telegramId: string | number;
  @ApiProperty({ example: 500, description: 'A positive integer; direction says which way' }) @IsInt() @IsPositive() @Max(SAFE_INT_MAX) amount: number;
  @ApiPropertyOptional({ enum: ['grant', 'deduct'], default: 'grant' }) @IsOptional() @IsIn(['grant', 'deduct']) direction?: 'grant' | 'deduct';
  @ApiProperty({ example: 'Compensation for a failed generation' }) @IsString() @Length(1, 500) reason: string;
  @ApiProperty({ example: 'ticket-4711', description: 'A retry with the same key moves nothing twice' })
  @IsString()
  @Matches(/^[\x21-\x7e]{1,128}$/, { message: 'must be 1-128 visible ASCII characters' })
  idempotencyKey: string;
}

export class CreditsTransferDto {
  @ApiProperty({ format: 'uuid' }) transferId: string;
  @ApiProperty({ example: '123456789' }) telegramId: string;
  @ApiProperty({ example: 500, description: 'Signed: positive granted, negative deducted' }) amount: number;
  @ApiProperty({ description: 'False when this was a retry of an earlier request with the same key' }) created: boolean;
  @ApiProperty() balance: number;
  @ApiProperty() available: number;
}

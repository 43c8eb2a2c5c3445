import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsPositive, IsString, IsUUID, Length, Matches, Max } from 'class-validator';
import { ExactlyOneOf, IsOptionalNotNull, IsTelegramId } from '@genbot/core';
import { TRANSFER_CREDITS_CEILING, TransferKind } from '@genbot/ledger';

/** Whose credits: exactly one of `telegramId` (seed 000) or `userId` (seed 001). */
@ExactlyOneOf('telegramId', 'userId')
export class CreditsTargetDto {
  @ApiPropertyOptional({ example: 123456789, oneOf: [{ type: 'integer' }, { type: 'string' }] })
  @IsOptionalNotNull()
  @IsTelegramId()
  telegramId?: number | string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptionalNotNull()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ example: 'order-42', description: 'Retry-safe key: the same key and body move credits once' })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 200)
  @Matches(/^[\x21-\x7e]+$/, { message: 'idempotencyKey must be visible ASCII' })
  idempotencyKey?: string;
}

// The ledger's own per-transfer limit (LEDGER_MAX_TRANSFER_CREDITS, default 1e12) is checked by the
// ledger; this is the ceiling that no configuration may pass.
const MAX_AMOUNT = TRANSFER_CREDITS_CEILING;
const ADD_KINDS = ['purchase', 'gateway_payment', 'promo', 'admin_adjustment', 'refund', 'referral_bonus', 'lottery_prize'] as const;

export class AddCreditsDto extends CreditsTargetDto {
  @ApiProperty({ example: 10, description: 'Credits, a positive integer' }) @IsInt() @IsPositive() @Max(MAX_AMOUNT) amount: number;
  @ApiProperty({ example: 'admin_bonus' }) @IsString() @Length(1, 200) reason: string;
  @ApiPropertyOptional({ enum: ADD_KINDS, default: 'admin_adjustment', description: 'What the credits are for; picks the source account' })
  @IsOptionalNotNull()
  @IsIn(ADD_KINDS)
  kind?: (typeof ADD_KINDS)[number] & TransferKind;
}

export class SpendCreditsDto extends CreditsTargetDto {
  @ApiProperty({ example: 1 }) @IsInt() @IsPositive() @Max(MAX_AMOUNT) amount: number;
  @ApiProperty({ example: 'ugc_video_creation' }) @IsString() @Length(1, 200) reason: string;
}

export class CreateHoldDto extends CreditsTargetDto {
  @ApiProperty({ example: 27 }) @IsInt() @IsPositive() @Max(MAX_AMOUNT) amount: number;
  @ApiPropertyOptional({ example: 900, description: 'Seconds until the hold expires and returns (default 900, at most 7 days)' })
  @IsOptionalNotNull()
  @IsInt()
  @IsPositive()
  @Max(7 * 24 * 3600)
  ttlSeconds?: number;
}

export class CaptureHoldDto {
  @ApiPropertyOptional({ example: 20, description: 'Capture this much of the hold (default all); the rest returns' })
  @IsOptionalNotNull()
  @IsInt()
  @IsPositive()
  @Max(MAX_AMOUNT)
  amount?: number;
}

export class BalanceAfterDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ format: 'uuid', description: 'The ledger transfer' }) transferId: string;
  @ApiProperty({ example: 110 }) balance: number;
  @ApiProperty({ example: 100 }) available: number;
  @ApiProperty({ example: 10 }) reserved: number;
}

export class HoldDto {
  @ApiProperty({ format: 'uuid' }) holdId: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ example: 27 }) amount: number;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}

export class HoldResolvedDto {
  @ApiProperty({ format: 'uuid' }) holdId: string;
  @ApiProperty({ example: 20, description: 'Credits charged' }) captured: number;
  @ApiProperty({ example: 7, description: 'Credits returned to the user' }) released: number;
  @ApiProperty({ example: 90 }) balance: number;
  @ApiProperty({ example: 90 }) available: number;
  @ApiProperty({ example: 0 }) reserved: number;
}

export class ServiceBalanceDto {
  @ApiProperty({ example: 110, description: 'Seed 001: credits posted' }) balanceTokens: number;
  @ApiProperty({ example: 100 }) available: number;
  @ApiProperty({ example: 10 }) reserved: number;
}

export class MiniAppBalanceDto {
  @ApiProperty({ example: 110 }) balance: number;
  @ApiProperty({ example: 100 }) available: number;
  @ApiProperty({ example: 10 }) reserved: number;
}

export class TransactionsQueryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() userId: string;
  @ApiPropertyOptional({ example: 50, description: '1-200, default 50' }) @IsOptionalNotNull() @Matches(/^\d+$/) limit?: string;
  @ApiPropertyOptional({ description: 'X-Next-Cursor of the previous page' }) @IsOptionalNotNull() @IsUUID() cursor?: string;
}

/** Seed 001's `Transaction`: fields with no value are omitted, never null. */
export class TransactionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The job (generation) this movement belongs to, if any' }) jobId?: string;
  @ApiProperty({ enum: ['charge', 'purchase', 'refund', 'promo', 'gateway_payment'] }) type: string;
  @ApiProperty({ enum: ['yookassa', 'stripe', 'telegram', 'manual'] }) provider: string;
  @ApiProperty({ enum: ['success', 'failed', 'pending'] }) status: string;
  @ApiPropertyOptional({ example: 490, description: 'Money paid, for a payment' }) amountRub?: number;
  @ApiProperty({ example: -27, description: 'Signed change of the user’s credits' }) tokensDelta: number;
  @ApiPropertyOptional({ example: 'RUB' }) currency?: string;
  @ApiPropertyOptional({ example: 'pro' }) plan?: string;
  @ApiPropertyOptional() reference?: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) meta: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

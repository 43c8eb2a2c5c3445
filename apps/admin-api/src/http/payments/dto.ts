import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import type { AdminPaymentRow } from '@genbot/admin';

export class AdminPaymentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '123456789' }) userTelegramId: string;
  @ApiProperty({ enum: ['telegram', 'yookassa', 'stripe'] }) provider: string;
  @ApiPropertyOptional({ nullable: true }) externalId: string | null;
  @ApiProperty({ enum: ['pending', 'succeeded', 'canceled', 'expired'] }) status: string;
  @ApiProperty() amountMinor: number;
  @ApiProperty({ example: 'XTR' }) currency: string;
  @ApiProperty() credits: number;
  @ApiPropertyOptional({ nullable: true, enum: ['pending', 'succeeded', 'failed'] }) refundStatus: string | null;
  @ApiProperty() refundedMinor: number;
  @ApiProperty() refundedCredits: number;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ nullable: true }) succeededAt: string | null;
  @ApiPropertyOptional({ nullable: true }) refundedAt: string | null;

  static from(row: AdminPaymentRow): AdminPaymentDto {
    return {
      ...row,
      createdAt: row.createdAt.toISOString(),
      succeededAt: row.succeededAt?.toISOString() ?? null,
      refundedAt: row.refundedAt?.toISOString() ?? null,
    };
  }
}

export class AdminPaymentPageDto {
  @ApiProperty({ type: [AdminPaymentDto] }) items: AdminPaymentDto[];
  @ApiProperty() offset: number;
  @ApiProperty() limit: number;
  @ApiProperty() hasMore: boolean;
}

export class RefundPaymentDto {
  @ApiPropertyOptional({ default: false, description: 'Refund even when the user spent part of the credits (what is left is taken)' })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

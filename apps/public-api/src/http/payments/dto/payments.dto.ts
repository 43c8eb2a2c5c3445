import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsOptional, IsString, IsUUID, Length, Min } from 'class-validator';

/** Seed 001's paymentsCreateIntent body. */
export class CreateIntentDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId: string;

  @ApiProperty({ example: 99, description: 'Roubles, at most two decimals; with `plan`, the plan’s price' })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0.01)
  amountRub: number;

  @ApiPropertyOptional({ enum: ['yookassa', 'stripe', 'telegram'], default: 'yookassa' })
  @IsOptional()
  @IsIn(['yookassa', 'stripe', 'telegram'])
  provider?: 'yookassa' | 'stripe' | 'telegram';

  @ApiPropertyOptional({ example: 'credits-1000', description: 'Tariff slug or id' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  plan?: string;
}

/** Seed 001's PaymentIntent. */
export class PaymentIntentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['yookassa', 'stripe', 'telegram'] }) provider: string;
  @ApiProperty({ example: 99 }) amountRub: number;
  @ApiProperty({ example: 'RUB' }) currency: string;
  @ApiProperty({ description: 'Where to send the payer' }) paymentUrl: string;
  @ApiProperty({ description: 'The gateway’s payment id' }) reference: string;
}

export class StarsConfirmDto {
  @ApiProperty({ example: 'credits-1000', description: 'Tariff slug or id' })
  @IsString()
  @Length(1, 64)
  tariff_id: string;

  @ApiPropertyOptional({ description: 'The caller’s Telegram id (checked against initData)' })
  @IsOptional()
  telegram_id?: string | number;
}

export class StarsInvoiceDto {
  @ApiProperty() invoice_link: string;
  @ApiProperty({ format: 'uuid' }) payment_id: string;
  @ApiProperty({ example: 70 }) stars: number;
  @ApiProperty({ example: 1000 }) credits: number;
}

import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsInt, IsNumber, IsString, Length, Max, Min } from 'class-validator';
import { TelegramIdParam } from '@genbot/core';
import { PaymentsService } from '@genbot/payments';
import { UsersService } from '@genbot/users';
import { Auth } from '../../auth/auth.guard';
import { ApiKeyHeaderAlias } from './api-key-alias.guard';

export class CompatCreatePaymentDto {
  @ApiProperty({ example: "Пакет '10 Оживашек'" })
  @IsString()
  @Length(1, 128)
  item_name: string;

  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  @Max(1000)
  quantity: number;

  @ApiProperty({ example: 100, description: 'Roubles per item' })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0.01)
  price: number;
}

export class CompatPaymentDto {
  @ApiProperty() payment_url: string;
  @ApiProperty({ description: 'YooKassa’s payment id' }) payment_id: string;
}

/** Seed 003's create_payment: a YooKassa payment of price × quantity roubles for the user with this chat id. */
@ApiTags('Compat: ozhivlyator')
@UseGuards(ApiKeyHeaderAlias)
@Controller('compat/ozhivlyator/users')
export class OzhivlyatorPaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly users: UsersService,
  ) {}

  @Post(':chat_id/create_payment')
  @HttpCode(200)
  @Auth('service')
  @ApiHeader({ name: 'api-key', required: false, description: 'Seed 003’s name for X-API-Key' })
  @ApiOperation({ summary: 'Create a YooKassa payment (seed 003); credited when YooKassa confirms it' })
  @ApiOkResponse({ type: CompatPaymentDto })
  async create(@Param('chat_id', new TelegramIdParam()) chatId: string, @Body() body: CompatCreatePaymentDto): Promise<CompatPaymentDto> {
    const user = await this.users.getByTelegramId(chatId);
    const payment = await this.payments.createIntent({ userId: user.id, provider: 'yookassa', amountRub: Math.round(body.price * body.quantity * 100) / 100 });
    return { payment_url: payment.paymentUrl ?? '', payment_id: payment.externalId ?? payment.id };
  }
}

import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal, idempotencyKeyFrom } from '@genbot/core';
import { Payment, PaymentsService, StarsPaymentsService, paymentInvalid } from '@genbot/payments';
import { UsersService } from '@genbot/users';
import { Auth, CurrentPrincipal, assertOwnTelegramId } from '../../auth/auth.guard';
import { CreateIntentDto, PaymentIntentDto, StarsConfirmDto, StarsInvoiceDto } from './dto/payments.dto';

/** Seed 001's payment intents (service clients) and seed 002's Stars confirmation (Mini App). */
@ApiTags('Payments')
@Controller('api/v1/payments')
export class PaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly stars: StarsPaymentsService,
    private readonly users: UsersService,
  ) {}

  @Post('intents')
  @Auth('service')
  @ApiOperation({ operationId: 'paymentsCreateIntent', summary: 'Start a payment; the payer is sent to paymentUrl and credited on the gateway’s confirmation' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'The same key returns the same payment' })
  @ApiCreatedResponse({ type: PaymentIntentDto })
  async intent(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateIntentDto,
    @Headers('idempotency-key') header?: string,
  ): Promise<PaymentIntentDto> {
    const key = idempotencyKeyFrom(header);
    const provider = body.provider ?? 'yookassa';
    if (provider === 'telegram') {
      // Stars are sold by tariff, priced in XTR: the plan names it and the link opens the invoice.
      if (!body.plan) throw paymentInvalid('A Telegram Stars payment needs a plan', 'plan');
      const user = await this.users.getById(body.userId);
      const { invoice, link } = await this.stars.createInvoiceLink(user, body.plan);
      return { id: invoice.payment.id, provider, amountRub: body.amountRub, currency: 'XTR', paymentUrl: link, reference: invoice.payload };
    }
    const payment = await this.payments.createIntent({
      userId: body.userId,
      provider,
      amountRub: body.amountRub,
      plan: body.plan,
      idempotencyKey: key ? `api:${principal.name}:intent:${key}` : undefined,
    });
    return toIntent(payment);
  }

  @Post('stars/confirm')
  @HttpCode(200)
  @Auth('miniapp')
  @ApiOperation({ summary: 'A Telegram Stars invoice link for a tariff (Mini App openInvoice)' })
  @ApiOkResponse({ type: StarsInvoiceDto })
  async confirmStars(@CurrentPrincipal() principal: Principal, @Body() body: StarsConfirmDto): Promise<StarsInvoiceDto> {
    if (body.telegram_id !== undefined) assertOwnTelegramId(principal, String(body.telegram_id));
    const user = await this.users.getByTelegramId((principal as { telegramId: string }).telegramId);
    const { invoice, link } = await this.stars.createInvoiceLink(user, body.tariff_id);
    return { invoice_link: link, payment_id: invoice.payment.id, stars: invoice.stars, credits: invoice.payment.credits };
  }
}

function toIntent(payment: Payment): PaymentIntentDto {
  return {
    id: payment.id,
    provider: payment.provider,
    amountRub: payment.amountMinor / 100,
    currency: payment.currency,
    paymentUrl: payment.paymentUrl ?? '',
    reference: payment.externalId ?? '',
  };
}

import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { PaymentGatewayName, PaymentsService } from '@genbot/payments';

/**
 * Gateway notifications. No API key: each gateway's adapter checks its own proof (Stripe's
 * signature over the raw bytes, YooKassa's source address), and nothing is credited before the
 * payment is re-read from the gateway. Bodies over the app's 1 MB limit are a 413 before this runs.
 */
@ApiExcludeController()
@Controller('api/v1/webhooks/payments')
export class PaymentWebhooksController {
  constructor(private readonly payments: PaymentsService) {}

  @Post('yookassa')
  @HttpCode(200)
  yookassa(@Req() request: FastifyRequest): Promise<{ ok: true }> {
    return this.handle('yookassa', request);
  }

  @Post('stripe')
  @HttpCode(200)
  stripe(@Req() request: FastifyRequest): Promise<{ ok: true }> {
    return this.handle('stripe', request);
  }

  private async handle(gateway: PaymentGatewayName, request: FastifyRequest): Promise<{ ok: true }> {
    const rawBody = (request as { rawBody?: Buffer }).rawBody ?? Buffer.from(request.body === undefined ? '' : JSON.stringify(request.body));
    await this.payments.handleWebhook(gateway, { rawBody, headers: request.headers, sourceIp: request.ip });
    return { ok: true };
  }
}

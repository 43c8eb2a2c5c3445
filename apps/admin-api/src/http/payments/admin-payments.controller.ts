import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminPaymentsService } from '@genbot/admin';
import { UuidParam } from '@genbot/core';
import { AdminRoleRequired, CurrentAdmin, CurrentAdminContext } from '../../auth/admin.guard';
import { DEFAULT_DAYS, DEFAULT_LIMIT, DailyRevenueDto, DaysQueryDto, PaymentsQueryDto, page } from '../stats/dto';
import { AdminPaymentDto, AdminPaymentPageDto, RefundPaymentDto } from './dto';

/** Seed 002's global payments; support reads, admin refunds. */
@ApiTags('Payments')
@Controller('api/v1/admin/payments')
export class AdminPaymentsController {
  constructor(private readonly payments: AdminPaymentsService) {}

  @Get()
  @AdminRoleRequired('support')
  @ApiOperation({ summary: 'All payments, newest first, optionally of one status' })
  @ApiOkResponse({ type: AdminPaymentPageDto })
  async list(@Query() query: PaymentsQueryDto): Promise<AdminPaymentPageDto> {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? DEFAULT_LIMIT;
    return page(await this.payments.list(query.status, offset, limit + 1), offset, limit, AdminPaymentDto.from);
  }

  @Get('daily')
  @AdminRoleRequired('support')
  @ApiOperation({ summary: 'Succeeded payments per UTC day and currency, with what was refunded of them' })
  @ApiOkResponse({ type: [DailyRevenueDto] })
  daily(@Query() query: DaysQueryDto): Promise<DailyRevenueDto[]> {
    return this.payments.daily(query.days ?? DEFAULT_DAYS);
  }

  @Post(':id/refund')
  @HttpCode(200)
  @AdminRoleRequired('admin')
  @ApiOperation({ summary: 'Refund a Telegram Stars payment (credits taken back; spent credits need force). Card payments: 409 PAYMENT_REFUND_UNSUPPORTED' })
  @ApiOkResponse({ type: AdminPaymentDto })
  async refund(@CurrentAdmin() actor: CurrentAdminContext, @Param('id', new UuidParam()) id: string, @Body() body: RefundPaymentDto): Promise<AdminPaymentDto> {
    return AdminPaymentDto.from(await this.payments.refund(actor, id, body.force ?? false));
  }
}

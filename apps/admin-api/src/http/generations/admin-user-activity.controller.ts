import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGenerationsService, AdminPaymentsService } from '@genbot/admin';
import { TelegramIdParam } from '@genbot/core';
import { AdminRoleRequired } from '../../auth/admin.guard';
import { AdminPaymentDto, AdminPaymentPageDto } from '../payments/dto';
import { PageQueryDto, page } from '../stats/dto';
import { AdminGenerationDto, AdminGenerationPageDto } from './dto';

const USER_DEFAULT_LIMIT = 10;

/** Seed 002's `users/{id}/generations|payments`: one user's, newest first. Support and up. */
@ApiTags('Users')
@Controller('api/v1/admin/users/:telegram_id')
@AdminRoleRequired('support')
export class AdminUserActivityController {
  constructor(
    private readonly generations: AdminGenerationsService,
    private readonly payments: AdminPaymentsService,
  ) {}

  @Get('generations')
  @ApiOperation({ summary: "A user's generations, newest first" })
  @ApiOkResponse({ type: AdminGenerationPageDto })
  async userGenerations(@Param('telegram_id', new TelegramIdParam()) telegramId: string, @Query() query: PageQueryDto): Promise<AdminGenerationPageDto> {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? USER_DEFAULT_LIMIT;
    return page(await this.generations.ofUser(telegramId, offset, limit + 1), offset, limit, AdminGenerationDto.from);
  }

  @Get('payments')
  @ApiOperation({ summary: "A user's payments, newest first" })
  @ApiOkResponse({ type: AdminPaymentPageDto })
  async userPayments(@Param('telegram_id', new TelegramIdParam()) telegramId: string, @Query() query: PageQueryDto): Promise<AdminPaymentPageDto> {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? USER_DEFAULT_LIMIT;
    return page(await this.payments.ofUser(telegramId, offset, limit + 1), offset, limit, AdminPaymentDto.from);
  }
}

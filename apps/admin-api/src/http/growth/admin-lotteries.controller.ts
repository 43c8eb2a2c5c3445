import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGrowthService } from '@genbot/admin';
import { UuidParam } from '@genbot/core';
import { AdminRoleRequired, CurrentAdmin, CurrentAdminContext } from '../../auth/admin.guard';
import { AdminLotteryDto, AdminLotteryEntryDto, CreateLotteryDto, ReviewEntryDto } from './dto';

/** Seed 001's lotteries for operators: support reads, admin creates and reviews; every change is audited. */
@ApiTags('Lotteries')
@Controller('api/v1/admin/lotteries')
export class AdminLotteriesController {
  constructor(private readonly growth: AdminGrowthService) {}

  @Post()
  @AdminRoleRequired('admin')
  @ApiOperation({ summary: 'Create a lottery: its period, prizes in credits and entry rules. Its seed hash is published at once; the worker draws at its end' })
  @ApiCreatedResponse({ type: AdminLotteryDto })
  async create(@CurrentAdmin() actor: CurrentAdminContext, @Body() body: CreateLotteryDto): Promise<AdminLotteryDto> {
    const lottery = await this.growth.createLottery(actor, {
      title: body.title,
      description: body.description,
      startDate: new Date(body.startDate),
      endDate: new Date(body.endDate),
      prizes: body.prizes.map((p) => ({ place: p.place, credits: p.credits })),
      rules: body.rules,
    });
    return AdminLotteryDto.from(lottery);
  }

  @Get()
  @AdminRoleRequired('support')
  @ApiOperation({ summary: 'Every lottery, newest start first (at most 200), with its status and, once drawn, its seed and draw' })
  @ApiOkResponse({ type: [AdminLotteryDto] })
  async list(): Promise<AdminLotteryDto[]> {
    const now = new Date();
    return (await this.growth.listLotteries()).map((lottery) => AdminLotteryDto.from(lottery, now));
  }

  @Get(':id/entries')
  @AdminRoleRequired('support')
  @ApiOperation({ summary: 'A lottery’s entries: the user, referrals made during it, social links and their review, the prize' })
  @ApiOkResponse({ type: [AdminLotteryEntryDto] })
  async entries(@Param('id', new UuidParam()) id: string): Promise<AdminLotteryEntryDto[]> {
    return (await this.growth.entries(id)).map((entry) => AdminLotteryEntryDto.from(entry));
  }

  @Post('entries/:entryId/review')
  @HttpCode(200)
  @AdminRoleRequired('admin')
  @ApiOperation({ summary: 'Approve or reject an entry’s social links (404 for an entry without links)' })
  @ApiOkResponse({ type: AdminLotteryEntryDto })
  async review(
    @CurrentAdmin() actor: CurrentAdminContext,
    @Param('entryId', new UuidParam('entryId')) entryId: string,
    @Body() body: ReviewEntryDto,
  ): Promise<AdminLotteryEntryDto> {
    return AdminLotteryEntryDto.from(await this.growth.reviewEntry(actor, entryId, body.approved));
  }
}

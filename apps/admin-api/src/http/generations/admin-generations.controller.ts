import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGenerationsService } from '@genbot/admin';
import { UuidParam } from '@genbot/core';
import { AdminRoleRequired, CurrentAdmin, CurrentAdminContext } from '../../auth/admin.guard';
import { DEFAULT_LIMIT, GenerationsQueryDto, page } from '../stats/dto';
import { AdminGenerationDto, AdminGenerationPageDto, QueueCountsDto, RefundGenerationDto } from './dto';

/** Seed 002's global generations; support reads, admin refunds. */
@ApiTags('Generations')
@Controller('api/v1/admin/generations')
export class AdminGenerationsController {
  constructor(private readonly generations: AdminGenerationsService) {}

  @Get()
  @AdminRoleRequired('support')
  @ApiOperation({ summary: 'All generations, newest first, optionally of one status' })
  @ApiOkResponse({ type: AdminGenerationPageDto })
  async list(@Query() query: GenerationsQueryDto): Promise<AdminGenerationPageDto> {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? DEFAULT_LIMIT;
    return page(await this.generations.list(query.status, offset, limit + 1), offset, limit, AdminGenerationDto.from);
  }

  @Get('queue')
  @AdminRoleRequired('support')
  @ApiOperation({ summary: "The generations queue's BullMQ job counts and the unfinished generations by status" })
  @ApiOkResponse({ type: QueueCountsDto })
  queue(): Promise<QueueCountsDto> {
    return this.generations.queueCounts();
  }

  @Post(':id/refund')
  @HttpCode(200)
  @AdminRoleRequired('admin')
  @ApiOperation({ summary: 'Give back the credits a generation charged (once: a second refund is 409)' })
  @ApiOkResponse({ type: AdminGenerationDto })
  async refund(
    @CurrentAdmin() actor: CurrentAdminContext,
    @Param('id', new UuidParam()) id: string,
    @Body() body: RefundGenerationDto,
  ): Promise<AdminGenerationDto> {
    return AdminGenerationDto.from(await this.generations.refund(actor, id, body.reason ?? null));
  }
}

import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { BroadcastFilter, BroadcastsService } from '@genbot/broadcasts';
import { AdminOnly } from '../../auth/admin.guard';
import { AudienceCountQueryDto } from './dto';

/** Seed 002's `users/count?filter_type=`: how many users a broadcast filter reaches, before composing one. */
@ApiTags('Broadcasts')
@Controller('api/v1/admin/users')
export class AudienceController {
  constructor(private readonly broadcasts: BroadcastsService) {}

  @Get('count')
  @AdminOnly()
  @ApiOperation({ summary: 'Users a broadcast filter reaches now (blocked and banned users excluded, as in delivery)' })
  async count(@Query() query: AudienceCountQueryDto): Promise<{ count: number; filter: BroadcastFilter }> {
    const { filter_type: kind = 'all', ...params } = query;
    const filter = { kind, ...params } as BroadcastFilter;
    return { count: await this.broadcasts.audienceSize(filter), filter };
  }
}

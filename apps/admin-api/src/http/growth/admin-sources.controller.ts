import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGrowthService } from '@genbot/admin';
import { AdminRoleRequired } from '../../auth/admin.guard';
import { SourceDayDto, SourcesQueryDto, SourcesReportDto } from './dto';

/** Ad sources (`src_<tag>` start links): each registration day's cohort and what it did since. */
@ApiTags('Sources')
@Controller('api/v1/admin/sources')
export class AdminSourcesController {
  constructor(private readonly growth: AdminGrowthService) {}

  @Get()
  @AdminRoleRequired('support')
  @ApiOperation({ summary: 'Per source and registration day: registrations, users who generated, payers, revenue (at most 366 days)' })
  @ApiOkResponse({ type: SourcesReportDto })
  async stats(@Query() query: SourcesQueryDto): Promise<SourcesReportDto> {
    const report = await this.growth.sourceStats(query);
    return { ...report, rows: report.rows.map(SourceDayDto.from) };
  }
}

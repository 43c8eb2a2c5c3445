import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminReportsService } from '@genbot/admin';
import { AdminRoleRequired } from '../../auth/admin.guard';
import { DEFAULT_DAYS, DailyCountDto, DailyGenerationsDto, DailyRevenueDto, DaysQueryDto, ModelBreakdownDto, StatsDto } from './dto';

/** Seed 002's dashboard and charts; each answer is cached in Redis for 60 s. Support and up. */
@ApiTags('Dashboard')
@Controller('api/v1/admin')
@AdminRoleRequired('support')
export class AdminStatsController {
  constructor(private readonly reports: AdminReportsService) {}

  @Get('stats')
  @ApiOperation({ summary: 'Users, generations, credits spent and revenue over the last `days` days (cached 60 s)' })
  @ApiOkResponse({ type: StatsDto })
  stats(@Query() query: DaysQueryDto): Promise<StatsDto> {
    return this.reports.stats(query.days ?? DEFAULT_DAYS);
  }

  @Get('charts/users-daily')
  @ApiOperation({ summary: 'New users per UTC day' })
  @ApiOkResponse({ type: [DailyCountDto] })
  usersDaily(@Query() query: DaysQueryDto): Promise<DailyCountDto[]> {
    return this.reports.usersDaily(query.days ?? DEFAULT_DAYS);
  }

  @Get('charts/generations-daily')
  @ApiOperation({ summary: 'Generations per UTC day: total, completed, failed' })
  @ApiOkResponse({ type: [DailyGenerationsDto] })
  generationsDaily(@Query() query: DaysQueryDto): Promise<DailyGenerationsDto[]> {
    return this.reports.generationsDaily(query.days ?? DEFAULT_DAYS);
  }

  @Get('charts/revenue-daily')
  @ApiOperation({ summary: 'Succeeded payments per UTC day and currency' })
  @ApiOkResponse({ type: [DailyRevenueDto] })
  revenueDaily(@Query() query: DaysQueryDto): Promise<DailyRevenueDto[]> {
    return this.reports.revenueDaily(query.days ?? DEFAULT_DAYS);
  }

  @Get('charts/models-breakdown')
  @ApiOperation({ summary: 'Generations and credits per model' })
  @ApiOkResponse({ type: [ModelBreakdownDto] })
  modelsBreakdown(@Query() query: DaysQueryDto): Promise<ModelBreakdownDto[]> {
    return this.reports.modelsBreakdown(query.days ?? DEFAULT_DAYS);
  }
}

import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReferralsService } from '@genbot/growth';
import { Auth } from '../../auth/auth.guard';
import { RefLinkDto, ReferralDto, ReferralStatsDto, UserQueryDto } from './dto/growth.dto';

/** Seed 001's referrals for server-to-server clients. */
@ApiTags('Referrals')
@Auth('service')
@Controller('api/v1/referrals')
export class ReferralsController {
  constructor(private readonly referrals: ReferralsService) {}

  @Get('link')
  @ApiOperation({ operationId: 'referralsGetLink', summary: 'The user’s referral link' })
  @ApiOkResponse({ type: RefLinkDto })
  async link(@Query() query: UserQueryDto): Promise<RefLinkDto> {
    const { link } = await this.referrals.link(query.userId);
    return link ? { refLink: link } : {};
  }

  @Get('stats')
  @ApiOperation({ operationId: 'referralsStats', summary: 'Invitees, how many paid, credits earned' })
  @ApiOkResponse({ type: ReferralStatsDto })
  async stats(@Query() query: UserQueryDto): Promise<ReferralStatsDto> {
    const stats = await this.referrals.stats(query.userId);
    return { totalInvited: stats.invited, invitedPaidCount: stats.paid, refEarned: stats.earned };
  }

  @Get('history')
  @ApiOperation({ operationId: 'referralsHistory', summary: 'The user’s invitees, newest first' })
  @ApiOkResponse({ type: ReferralDto, isArray: true })
  async history(@Query() query: UserQueryDto): Promise<ReferralDto[]> {
    return (await this.referrals.history(query.userId)).map((r) => ReferralDto.from(r));
  }
}

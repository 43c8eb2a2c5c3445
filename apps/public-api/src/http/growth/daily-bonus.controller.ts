import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@genbot/core';
import { DailyBonusService } from '@genbot/growth';
import { Auth, CurrentPrincipal, requireCallerUser } from '../../auth/auth.guard';
import { ClaimDailyBonusDto, DailyBonusClaimDto, DailyBonusStatusDto } from './dto/daily-bonus.dto';

/** Seed 003's daily bonus in the Mini App (DESIGN.md's contract); the bot's Bonus button claims the same. */
@ApiTags('Mini App')
@Auth('miniapp')
@Controller('api/v1/bonus/daily')
export class DailyBonusController {
  constructor(private readonly dailyBonus: DailyBonusService) {}

  @Get()
  @ApiOperation({ summary: "Today's state: claimed or not, the streak, and what the next claim grants" })
  @ApiOkResponse({ type: DailyBonusStatusDto })
  async status(@CurrentPrincipal() principal: Principal): Promise<DailyBonusStatusDto> {
    return DailyBonusStatusDto.from(await this.dailyBonus.status(requireCallerUser(principal).id));
  }

  @Post('claim')
  @HttpCode(200)
  @ApiOperation({ summary: "Claims today's bonus; the streak grows on consecutive local days" })
  @ApiOkResponse({ type: DailyBonusClaimDto })
  @ApiConflictResponse({ description: 'Already claimed today (GROWTH_DAILY_BONUS_ALREADY_CLAIMED, details: streak, nextClaimAt)' })
  async claim(@CurrentPrincipal() principal: Principal, @Body() body: ClaimDailyBonusDto): Promise<DailyBonusClaimDto> {
    const user = requireCallerUser(principal);
    return DailyBonusClaimDto.from(await this.dailyBonus.claim(user.id, { timeZone: body.timeZone }));
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UuidParam } from '@genbot/core';
import { LotteriesService } from '@genbot/growth';
import { Auth } from '../../auth/auth.guard';
import { UserQueryDto } from './dto/growth.dto';
import { LotteryDto, LotteryEntryDto, SubmitSocialDto } from './dto/lotteries.dto';

/** Seed 001's lotteries for server-to-server clients; a drawn lottery carries its revealed seed and tickets for audit. */
@ApiTags('Lotteries')
@Auth('service')
@Controller('api/v1/lotteries')
export class LotteriesController {
  constructor(private readonly lotteries: LotteriesService) {}

  @Get('current')
  @ApiOperation({ operationId: 'lotteriesCurrent', summary: 'The lottery running now (404 when none)' })
  @ApiOkResponse({ type: LotteryDto })
  async current(): Promise<LotteryDto> {
    return LotteryDto.from(await this.lotteries.current());
  }

  @Get('history')
  @ApiOperation({ operationId: 'lotteriesHistory', summary: 'Ended lotteries, latest first, with their draws' })
  @ApiOkResponse({ type: LotteryDto, isArray: true })
  async history(): Promise<LotteryDto[]> {
    return (await this.lotteries.history()).map((l) => LotteryDto.from(l));
  }

  @Get('entries/me')
  @ApiOperation({ operationId: 'lotteriesEntryMe', summary: 'The user’s entry in the current lottery (a referral during it enters them)' })
  @ApiOkResponse({ type: LotteryEntryDto })
  async entry(@Query() query: UserQueryDto): Promise<LotteryEntryDto> {
    return LotteryEntryDto.from(await this.lotteries.entryOf(query.userId));
  }

  @Post('entries/submit-social')
  @HttpCode(200)
  @ApiOperation({ operationId: 'lotteriesSubmitSocial', summary: 'Links to the user’s posts; an admin reviews them before they count' })
  @ApiOkResponse({ type: LotteryEntryDto })
  async submitSocial(@Body() body: SubmitSocialDto): Promise<LotteryEntryDto> {
    return LotteryEntryDto.from(await this.lotteries.submitSocial(body.userId, body.socialLinks));
  }

  @Get(':lotteryId')
  @ApiOperation({ summary: 'One lottery; once drawn, its seed, tickets and winners' })
  @ApiOkResponse({ type: LotteryDto })
  async get(@Param('lotteryId', new UuidParam('lotteryId')) id: string): Promise<LotteryDto> {
    return LotteryDto.from(await this.lotteries.get(id));
  }
}

import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Principal, SettingsService } from '@genbot/core';
import { TariffsService, starsPrice } from '@genbot/tariffs';
import { UsersService } from '@genbot/users';
import { Auth, CurrentPrincipal } from '../../auth/auth.guard';

/** Seed 001's Tariff. */
export class TariffDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'credits-1000' }) name: string;
  @ApiProperty({ example: '1000 кредитов' }) title: string;
  @ApiProperty({ example: 1000, description: 'Credits the tariff buys' }) monthlyTokens: number;
  @ApiProperty({ example: 99 }) costRub: number;
  @ApiProperty({ example: 'RUB' }) currency: string;
  @ApiProperty() createdAt: string;
}

export class StarsOptionDto {
  @ApiProperty({ format: 'uuid' }) tariff_id: string;
  @ApiProperty({ example: 'credits-1000' }) slug: string;
  @ApiProperty() title: string;
  @ApiProperty({ example: 1000 }) credits: number;
  @ApiProperty({ example: 70 }) stars: number;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'popular' }) badge: string | null;
}

export class StarsOptionsDto {
  @ApiProperty({ example: 70, description: 'Stars per 1000 credits' }) stars_per_1000_credits: number;
  @ApiProperty({ type: [StarsOptionDto] }) options: StarsOptionDto[];
}

@ApiTags('Tariffs')
@Controller('api/v1')
export class TariffsController {
  constructor(
    private readonly tariffs: TariffsService,
    private readonly settings: SettingsService,
    private readonly users: UsersService,
  ) {}

  @Get('tariffs')
  @Auth('service')
  @ApiOperation({ operationId: 'tariffsList', summary: 'Credit packages sold in roubles (seed 001)' })
  @ApiOkResponse({ type: TariffDto, isArray: true })
  async list(): Promise<TariffDto[]> {
    const tariffs = await this.tariffs.listActive('RUB');
    return tariffs.map((tariff) => ({
      id: tariff.id,
      name: tariff.slug,
      title: tariff.title.ru,
      monthlyTokens: tariff.monthlyTokens ?? tariff.credits,
      costRub: tariff.prices.RUB / 100,
      currency: 'RUB',
      createdAt: tariff.createdAt.toISOString(),
    }));
  }

  @Get('payments/stars/options')
  @Auth('miniapp')
  @ApiOperation({ summary: 'Telegram Stars packages, titled in the caller’s language (seed 002)' })
  @ApiOkResponse({ type: StarsOptionsDto })
  async starsOptions(@CurrentPrincipal() principal: Principal): Promise<StarsOptionsDto> {
    const rate = Number(await this.settings.get('stars_per_1000_credits'));
    const user = await this.users.findByTelegramId((principal as { telegramId: string }).telegramId);
    const language = user?.language ?? 'en';
    const tariffs = await this.tariffs.listActive();
    return {
      stars_per_1000_credits: rate,
      options: tariffs.map((tariff) => ({
        tariff_id: tariff.id,
        slug: tariff.slug,
        title: tariff.title[language] ?? tariff.title.en,
        credits: tariff.credits,
        stars: starsPrice(tariff, rate),
        badge: tariff.badge,
      })),
    };
  }
}

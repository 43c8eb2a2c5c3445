import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { SettingsService } from '@genbot/core';
import { CatalogModel, CatalogService, ProviderRegistry, priceOf, resolveOptions, ruleCredits } from '@genbot/generations';

class ModelPriceDto {
  @ApiPropertyOptional({ nullable: true, example: 't2i' }) mode: string | null;
  @ApiProperty({ example: { resolution: '4k' } }) match: Record<string, string>;
  @ApiProperty({ example: 240 }) credits: number;
}

class ModelDto {
  @ApiProperty({ example: 'seedream-v4' }) id: string;
  @ApiProperty({ example: 'Seedream 4.0' }) name: string;
  @ApiPropertyOptional({ nullable: true }) description: string | null;
  @ApiProperty({ enum: ['image', 'video', 'audio', 'tool'] }) kind: string;
  @ApiProperty({ example: ['t2i', 'i2i'] }) modes: string[];
  @ApiProperty({ example: 'wavespeed', description: 'Who runs it now (the fallback when the main provider has no key)' }) provider: string;
  @ApiProperty({ example: true, description: 'False when no configured provider can run it: submits get 503' }) available: boolean;
  @ApiProperty({ example: 27, description: 'Price in credits with default options' }) price: number;
  @ApiProperty({ type: [ModelPriceDto] }) prices: ModelPriceDto[];
  @ApiProperty({ example: { size: { type: 'enum', values: ['1024*1024'], default: '1024*1024' } } }) options: Record<string, unknown>;
  @ApiPropertyOptional({ nullable: true, example: 'high' }) quality: string | null;
  @ApiPropertyOptional({ nullable: true, example: 20 }) avgDurationSeconds: number | null;
  @ApiProperty({ example: 10 }) maxInputImages: number;
  @ApiProperty({ example: 1 }) outputsPerRun: number;
}

class SizesDto {
  @ApiProperty({ example: 'seedream-v4' }) model: string;
  @ApiProperty({ example: ['1024*1024', '2048*2048'] }) sizes: string[];
  @ApiProperty({ example: ['1:1', '16:9'] }) aspectRatios: string[];
  @ApiProperty({ example: ['1k', '2k', '4k'] }) resolutions: string[];
}

/** Seed 002's catalog reads: public, cached (memory 60 s, Redis 300 s). */
@ApiTags('Catalog')
@Controller('api/v1')
export class CatalogController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly providers: ProviderRegistry,
    private readonly settings: SettingsService,
  ) {}

  /** The last answer, as JSON: the same until the catalog, the credit rate or a model's route changes. */
  private served?: { models: CatalogModel[]; key: string; json: string };

  @Get('models')
  @Header('content-type', 'application/json; charset=utf-8')
  @ApiOperation({ summary: 'Active models with prices, options, provider and availability' })
  @ApiOkResponse({ type: [ModelDto] })
  async models(): Promise<string> {
    // Every Mini App opens with this list: building and serializing it per call cost more than
    // the rest of the request. The catalog array is the cached one, so its identity says "unchanged".
    const [all, perUsd] = await Promise.all([this.catalog.all(), this.settings.get('credits_per_usd')]);
    const routes = all.map((model) => (model.isActive ? this.providers.route(model, model.modes[0]) : undefined));
    const key = `${perUsd}|${routes.map((route) => route?.provider.name ?? '').join(',')}`;
    if (this.served?.models !== all || this.served.key !== key) {
      const dtos = all.flatMap((model, i) => (model.isActive ? [modelDto(model, routes[i], Number(perUsd))] : []));
      this.served = { models: all, key, json: JSON.stringify(dtos) };
    }
    return this.served.json;
  }

  @Get('sizes')
  @ApiOperation({ summary: 'Size, aspect ratio and resolution choices per model' })
  @ApiOkResponse({ type: [SizesDto] })
  async sizes(): Promise<SizesDto[]> {
    return (await this.catalog.active()).map((model) => ({
      model: model.slug,
      sizes: values(model, 'size'),
      aspectRatios: values(model, 'aspect_ratio'),
      resolutions: values(model, 'resolution'),
    }));
  }
}

function modelDto(model: CatalogModel, route: ReturnType<ProviderRegistry['route']>, perUsd: number): ModelDto {
  return {
    id: model.slug,
    name: model.displayName,
    description: model.description,
    kind: model.kind,
    modes: model.modes,
    provider: route?.provider.name ?? model.provider,
    available: route !== undefined,
    price: basePrice(model, perUsd),
    prices: model.prices.map((rule) => ({ mode: rule.mode, match: rule.match, credits: ruleCredits(rule, perUsd) })),
    options: model.optionsSchema,
    quality: model.quality,
    avgDurationSeconds: model.avgDurationSeconds,
    maxInputImages: model.maxInputImages,
    outputsPerRun: model.outputsPerRun,
  };
}

/** The price with default options; a model with a required option (a voice) shows its cheapest rule. */
function basePrice(model: CatalogModel, perUsd: number): number {
  try {
    return priceOf(model, model.modes[0], resolveOptions(model, model.modes[0], {}), perUsd);
  } catch {
    return Math.min(...model.prices.map((rule) => ruleCredits(rule, perUsd)));
  }
}

function values(model: CatalogModel, option: string): string[] {
  const spec = model.optionsSchema[option];
  return spec?.type === 'enum' ? spec.values : [];
}

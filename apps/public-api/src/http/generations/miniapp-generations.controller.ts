import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiConsumes, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DomainError, Principal, RateLimit, TelegramIdParam, UuidParam, idempotencyKeyFrom, scopedIdempotencyKey } from '@genbot/core';
import { CatalogService, DataService, Generation, GenerationsService, SubmitInputItem } from '@genbot/generations';
import { User, UsersService } from '@genbot/users';
import { Auth, CurrentPrincipal, assertOwnTelegramId, requireCallerUser } from '../../auth/auth.guard';
import { withSingleFile } from '../multipart';
import {
  GenerationDto,
  PriceRequestDto,
  QuoteDto,
  ResultDto,
  ResultsDto,
  SubmitRequestDto,
  TelegramIdQueryDto,
  ToolRequestDto,
  optionsOf,
} from './dto/generation.dto';

const TOOLS = ['watermark-remove', 'upscale', 'denoise', 'restore', 'enhance'] as const;

/** Seed 002's generation endpoints for the Mini App: the caller is the user their initData names. */
@ApiTags('Mini App: generations')
@Auth('miniapp')
@Controller('api/v1')
export class MiniAppGenerationsController {
  constructor(
    private readonly generations: GenerationsService,
    private readonly catalog: CatalogService,
    private readonly data: DataService,
    private readonly users: UsersService,
  ) {}

  @Post('generations/price')
  @HttpCode(200)
  @RateLimit(60, 60)
  @ApiOperation({ summary: 'Price of a generation with these options (60 requests/min per user)' })
  @ApiOkResponse({ type: QuoteDto })
  async price(@CurrentPrincipal() principal: Principal, @Body() body: PriceRequestDto): Promise<QuoteDto> {
    const user = await this.caller(principal);
    const quote = await this.generations.quote({
      model: body.model_id,
      mode: body.mode,
      options: optionsOf(body),
      imageCount: body.image_count,
      userId: user.id,
    });
    return {
      modelId: quote.model.slug,
      mode: quote.mode,
      price: quote.trial ? 0 : quote.price,
      currency: 'credits',
      trial: quote.trial,
      options: quote.options,
    };
  }

  @Post('generations/submit')
  @RateLimit(30, 60)
  @ApiOperation({
    summary:
      'Start a generation: fetches image_urls (https, public hosts), holds the price (or uses the trial) and queues it; 400 STORAGE_FETCH_FAILED naming the URL that could not be fetched, 402 when credits are short, 429 with more than max_active_generations_per_user running or over 30 submits/min, 503 when the model is unavailable',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A repeat returns the same generation' })
  @ApiCreatedResponse({ type: GenerationDto })
  async submit(@CurrentPrincipal() principal: Principal, @Body() body: SubmitRequestDto, @Headers('idempotency-key') key?: string): Promise<GenerationDto> {
    const user = await this.caller(principal);
    assertOwnChat(principal, body.chat_id);
    // URLs are fetched by submit (after pricing, before the hold); uploads are ours already.
    const inputs: SubmitInputItem[] = [
      ...(body.image_urls ?? []).map((url, i) => ({ type: 'image' as const, url, field: `image_urls[${i}]` })),
      ...(await this.data.asInputs(body.media_ids ?? [], user.id)),
    ];
    const generation = await this.generations.submit({
      userId: user.id,
      model: body.model_id,
      mode: body.mode,
      prompt: body.prompt,
      options: optionsOf(body),
      inputs,
      source: 'miniapp',
      idempotencyKey: scopedKey(principal, key),
      chatId: body.chat_id !== undefined ? String(body.chat_id) : null,
      messageId: body.message_id,
      promptMessageId: body.prompt_message_id,
      language: body.language ?? user.language ?? null,
    });
    return this.view(generation);
  }

  @Get('generations/active')
  @ApiOperation({ summary: 'The caller’s generations that are not finished' })
  @ApiOkResponse({ type: [GenerationDto] })
  async active(@CurrentPrincipal() principal: Principal, @Query() query: TelegramIdQueryDto): Promise<GenerationDto[]> {
    const user = await this.caller(principal, query.telegram_id);
    return Promise.all((await this.generations.active(user.id)).map((g) => this.view(g)));
  }

  @Get('generations')
  @ApiOperation({ summary: 'The caller’s last 30 generations, newest first (the Mini App’s history)' })
  @ApiOkResponse({ type: [GenerationDto] })
  async history(@CurrentPrincipal() principal: Principal, @Query() query: TelegramIdQueryDto): Promise<GenerationDto[]> {
    const user = await this.caller(principal, query.telegram_id);
    return Promise.all((await this.generations.list(user.id, 30)).map((g) => this.view(g)));
  }

  @Get('generations/:id')
  @ApiOkResponse({ type: GenerationDto })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParam('id')) id: string,
    @Query() query: TelegramIdQueryDto,
  ): Promise<GenerationDto> {
    return this.view(await this.owned(principal, id, query.telegram_id));
  }

  @Post('generations/:id/refresh')
  @HttpCode(200)
  @RateLimit(60, 60)
  @ApiOperation({ summary: 'Ask the worker to check the provider now' })
  @ApiOkResponse({ type: GenerationDto })
  async refresh(@CurrentPrincipal() principal: Principal, @Param('id', new UuidParam('id')) id: string): Promise<GenerationDto> {
    return this.view(await this.generations.refresh(await this.owned(principal, id)));
  }

  @Get('generations/:id/results')
  @ApiOkResponse({ type: ResultsDto })
  async results(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParam('id')) id: string,
    @Query() query: TelegramIdQueryDto,
  ): Promise<ResultsDto> {
    const generation = await this.owned(principal, id, query.telegram_id);
    const results = await this.generations.results(generation.id);
    return {
      generationId: generation.id,
      status: generation.status,
      results: await Promise.all(results.map(async (r) => ResultDto.from(r, await this.data.url(r.storageKey)))),
    };
  }

  @Post('generations/:id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel before the provider starts; the held credits return' })
  @ApiOkResponse({ type: GenerationDto })
  async cancel(@CurrentPrincipal() principal: Principal, @Param('id', new UuidParam('id')) id: string): Promise<GenerationDto> {
    return this.view(await this.generations.cancel(await this.owned(principal, id)));
  }

  @Get('users/:telegram_id/trial')
  @ApiOperation({ summary: 'Whether the caller still has their free generation, and on which models' })
  async trial(
    @CurrentPrincipal() principal: Principal,
    @Param('telegram_id', new TelegramIdParam()) telegramId: string,
  ): Promise<{ available: boolean; models: string[] }> {
    assertOwnTelegramId(principal, telegramId);
    const user = requireCallerUser(principal);
    const eligible = [];
    for (const model of await this.catalog.active()) if (await this.generations.trialAvailable(user.id, model)) eligible.push(model.slug);
    return { available: eligible.length > 0, models: eligible };
  }

  @Post('tools/:tool')
  @RateLimit(30, 60)
  @ApiOperation({
    summary:
      'Run a photo tool: watermark-remove 12, upscale 60, denoise 20, restore 20, enhance 30 credits (30 requests/min per user; image_url as for submit)',
  })
  @ApiCreatedResponse({ type: GenerationDto })
  async tool(
    @CurrentPrincipal() principal: Principal,
    @Param('tool') tool: string,
    @Body() body: ToolRequestDto,
    @Headers('idempotency-key') key?: string,
  ): Promise<GenerationDto> {
    if (!(TOOLS as readonly string[]).includes(tool)) throw new DomainError('NOT_FOUND', `No tool ${tool}; tools are ${TOOLS.join(', ')}`);
    const user = await this.caller(principal, body.telegram_id);
    assertOwnChat(principal, body.chat_id);
    const inputs: SubmitInputItem[] = body.image_url
      ? [{ type: 'image', url: body.image_url, field: 'image_url' }]
      : await this.data.asInputs([body.media_id!], user.id);
    const options = Object.fromEntries(
      Object.entries({ output_format: body.output_format, target_resolution: body.target_resolution, model: body.model, size: body.size }).filter(
        ([, v]) => v !== undefined,
      ),
    );
    const generation = await this.generations.submit({
      userId: user.id,
      model: tool,
      mode: 'tool',
      options,
      inputs,
      source: 'miniapp',
      idempotencyKey: scopedKey(principal, key),
      chatId: body.chat_id !== undefined ? String(body.chat_id) : null,
      language: body.language ?? user.language ?? null,
    });
    return this.view(generation);
  }

  @Post('media/upload')
  @RateLimit(30, 60)
  @ApiConsumes('multipart/form-data')
  @ApiOperation({ summary: 'Upload an input image (multipart field `file`); returns the id to pass as media_ids' })
  async upload(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<{ id: string; url: string; contentType: string; sizeBytes: number }> {
    const user = await this.caller(principal);
    const data = await withSingleFile(request, this.data.maxUploadBytes, ({ file, contentType }) =>
      this.data.upload({ userId: user.id, type: 'image', data: file, declaredType: contentType }),
    );
    return { id: data.id, url: await this.data.url(data.storageKey), contentType: data.contentType, sizeBytes: data.sizeBytes ?? 0 };
  }

  /** The user the auth guard loaded for this call: no second lookup. */
  private async caller(principal: Principal, telegramId?: string): Promise<User> {
    if (principal.kind !== 'miniapp') throw new DomainError('FORBIDDEN', 'Mini App users only');
    if (telegramId !== undefined) assertOwnTelegramId(principal, telegramId);
    return requireCallerUser(principal);
  }

  private async owned(principal: Principal, id: string, telegramId?: string): Promise<Generation> {
    const user = await this.caller(principal, telegramId);
    return this.generations.getOwned(id, user.id);
  }

  private async view(generation: Generation): Promise<GenerationDto> {
    return GenerationDto.from(generation, await this.catalog.byId(generation.modelId));
  }
}

/** Results go to the caller's own chat with the bot; a Mini App cannot aim the bot at other chats. */
function assertOwnChat(principal: Principal, chatId: number | undefined): void {
  if (chatId !== undefined && principal.kind === 'miniapp' && String(chatId) !== principal.telegramId) {
    throw new DomainError('USER_FORBIDDEN', 'chat_id must be your own chat with the bot');
  }
}

function scopedKey(principal: Principal, header: string | undefined): string | undefined {
  const key = idempotencyKeyFrom(header);
  // Submit and tools share one scope: a key names one generation, whichever route made it.
  return key === undefined ? undefined : scopedIdempotencyKey(principal, 'generations', key);
}

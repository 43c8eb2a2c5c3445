import { Controller, Headers, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DomainError, Principal, SettingsService, idempotencyKeyFrom, isTelegramId, scopedIdempotencyKey, validationFailed } from '@genbot/core';
import { DataService, Generation, GenerationsService } from '@genbot/generations';
import { LedgerService } from '@genbot/ledger';
import { ObjectStorage, readCapped } from '@genbot/storage';
import { User, UsersService, userBanned } from '@genbot/users';
import { Auth, CurrentPrincipal } from '../../auth/auth.guard';
import { withSingleFile } from '../multipart';
import { ApiKeyHeaderAlias } from './api-key-alias.guard';
import { OzhivlyatorGenerationDto } from './ozhivlyator.dto';

const DRAWING_MODEL = 'animate-drawing';
const MAX_IMAGES = 8;
/** The longest this request waits for the worker; past it the answer is 504 and the generation finishes anyway. */
const MAX_WAIT_MS = 5 * 60_000;
const RESULT_MAX_BYTES = 20 * 1024 * 1024;

/**
 * Seed 003's synchronous `POST /generate`: a drawing in (multipart `chat_id` + `image`), the
 * drawing generation submitted as any other (price, trial or hold, queue, worker), the request
 * held until it is final, and its images answered inline as base64. Nothing is sent to the chat:
 * seed 003's bot sends the images itself.
 */
@ApiTags('Compat: ozhivlyator')
@UseGuards(ApiKeyHeaderAlias)
@Controller('compat/ozhivlyator')
export class OzhivlyatorGenerateController {
  constructor(
    private readonly users: UsersService,
    private readonly data: DataService,
    private readonly generations: GenerationsService,
    private readonly ledger: LedgerService,
    private readonly settings: SettingsService,
    private readonly storage: ObjectStorage,
  ) {}

  @Post('generate')
  @HttpCode(200)
  @Auth('service')
  @ApiConsumes('multipart/form-data')
  @ApiHeader({ name: 'api-key', required: false, description: 'Seed 003’s name for X-API-Key' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key waits for the same generation' })
  @ApiOperation({ summary: 'Bring a drawing to life and answer with the images (waits for the generation, up to 5 minutes)' })
  @ApiOkResponse({ type: OzhivlyatorGenerationDto })
  async generate(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Headers('idempotency-key') key?: string,
  ): Promise<OzhivlyatorGenerationDto> {
    const given = idempotencyKeyFrom(key);
    const { user, generation, mainCount } = await withSingleFile(
      request,
      this.data.maxUploadBytes,
      async ({ file, contentType, fields }) => {
        const user = await this.userOf(fields.chat_id);
        const [mainCount, bonusCount] = await this.imageCounts(user.id);
        const options = { count: Math.min(MAX_IMAGES, mainCount + bonusCount) };
        // A user who cannot pay is told before the drawing is stored (a retry by key may find its generation done).
        if (!given) await this.assertCanPay(user.id, options);
        const drawing = await this.data.upload({ userId: user.id, type: 'image', data: file, declaredType: contentType });
        const generation = await this.generations.submit({
          userId: user.id,
          model: DRAWING_MODEL,
          options,
          inputs: await this.data.asInputs([drawing.id], user.id),
          source: 'service',
          language: user.language,
          idempotencyKey: given ? scopedIdempotencyKey(principal, 'ozhivlyator-generate', given) : undefined,
          meta: { client: principal.name },
        });
        return { user, generation, mainCount };
      },
      'image',
    );
    const final = await this.generations.waitFinal(generation.id, { timeoutMs: waitMs(generation) });
    if (final.status === 'succeeded') return this.answer(user, final, mainCount);
    if (final.status === 'failed' || final.status === 'cancelled')
      throw new DomainError('COMPAT_GENERATION_FAILED', 'The drawing could not be brought to life; nothing was charged', {
        generationId: final.id,
        status: final.status,
      });
    throw new DomainError('COMPAT_GENERATION_TIMEOUT', 'The generation is taking longer than this request may wait; it will finish, and be charged, anyway', {
      generationId: final.id,
      status: final.status,
    });
  }

  private async userOf(chatId: string | undefined): Promise<User> {
    if (chatId === undefined) throw validationFailed([{ field: 'chat_id', problems: ['required'] }]);
    if (!isTelegramId(chatId.trim())) throw validationFailed([{ field: 'chat_id', problems: ['must be a positive integer Telegram id'] }]);
    const user = await this.users.getByTelegramId(chatId.trim());
    if (user.isBanned) throw userBanned();
    return user;
  }

  private async assertCanPay(userId: string, options: { count: number }): Promise<void> {
    const quote = await this.generations.quote({ model: DRAWING_MODEL, options, imageCount: 1, userId });
    if (quote.trial || quote.price <= 0) return;
    const { available } = await this.ledger.balance(userId);
    if (available < quote.price) throw new DomainError('LEDGER_INSUFFICIENT_CREDITS', 'Not enough ozhivashki', { amount: quote.price, available });
  }

  /** The operator's `drawing_images`, plus seed 003's bonus images on a user's first drawing. */
  private async imageCounts(userId: string): Promise<[number, number]> {
    const [main, bonus, done] = await Promise.all([
      this.settings.get('drawing_images'),
      this.settings.get('first_drawing_bonus_images'),
      this.generations.succeededSummary(userId),
    ]);
    const mainCount = Number.isInteger(main) && Number(main) >= 1 && Number(main) <= MAX_IMAGES ? Number(main) : 4;
    const bonusCount = done.count === 0 && Number.isInteger(bonus) && Number(bonus) > 0 ? Number(bonus) : 0;
    return [mainCount, bonusCount];
  }

  private async answer(user: User, generation: Generation, mainCount: number): Promise<OzhivlyatorGenerationDto> {
    const results = (await this.generations.results(generation.id)).sort((a, b) => a.idx - b.idx);
    const images = await Promise.all(
      results.map(async (r) => (await readCapped((await this.storage.stream(r.storageKey)).body, RESULT_MAX_BYTES)).toString('base64')),
    );
    const { available } = await this.ledger.balance(user.id);
    return {
      main_images: images.slice(0, mainCount),
      bonus_images: images.slice(mainCount),
      ozhivashki_spent: generation.isTrial ? 0 : generation.priceCredits,
      new_balance: available,
    };
  }
}

/** Until the generation's own deadline, within MAX_WAIT_MS. */
function waitMs(generation: Generation): number {
  const untilDeadline = generation.deadlineAt ? generation.deadlineAt.getTime() - Date.now() + 5_000 : MAX_WAIT_MS;
  return Math.max(1_000, Math.min(MAX_WAIT_MS, untilDeadline));
}

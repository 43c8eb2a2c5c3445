import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { DomainError, SettingsService } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { CatalogModel, Options, assertInputCount, priceOf, resolveMode, resolveOptions } from '../domain/catalog';
import { Generation, GenerationInput, GenerationResult, isFinal } from '../domain/generation';
import { GenerationsQueue } from '../infrastructure/generations.queue';
import { GenerationsRepository } from '../infrastructure/generations.repository';
import { CatalogService } from './catalog.service';
import { DataService } from './data.service';
import { ProviderRegistry } from './provider-registry';
import { SubmitInput, fingerprintOf, sameRequestOrConflict } from './submit-input';

export type { SubmitInput, SubmitInputItem } from './submit-input';

export interface QuoteInput {
  model: string;
  mode?: string;
  options?: Record<string, unknown>;
  imageCount?: number;
  userId?: string;
}

export interface Quote {
  model: CatalogModel;
  mode: Generation['mode'];
  options: Options;
  price: number;
  /** True when this user's next generation with this model would be their free trial. */
  trial: boolean;
}

/** Seconds a hold outlives the model's timeout, so a slow provider never outlives its hold. */
const HOLD_MARGIN_SECONDS = 30 * 60;
/** Client URLs fetched at once by one submit. */
const PARALLEL_FETCHES = 4;

@Injectable()
export class GenerationsService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly providers: ProviderRegistry,
    private readonly repository: GenerationsRepository,
    private readonly ledger: LedgerService,
    private readonly settings: SettingsService,
    private readonly queue: GenerationsQueue,
    private readonly data: DataService,
  ) {}

  async quote(input: QuoteInput): Promise<Quote> {
    const model = await this.catalog.get(input.model);
    const mode = resolveMode(model, input.mode, input.imageCount ?? 0);
    const options = resolveOptions(model, mode, input.options ?? {});
    const price = priceOf(model, mode, options, Number(await this.settings.get('credits_per_usd')));
    const trial = input.userId ? await this.trialAvailable(input.userId, model) : false;
    return { model, mode, options, price, trial };
  }

  /**
   * Prices the request, fetches any client URLs into storage, takes the trial or holds the price,
   * records the generation and queues it. Nothing is recorded, held or fetched when the user
   * cannot pay (402), has too many generations running (429) or the model cannot run (503); a
   * URL that cannot be fetched (400) leaves the trial and the balance untouched.
   */
  async submit(input: SubmitInput): Promise<Generation> {
    const fingerprint = fingerprintOf(input);
    if (input.idempotencyKey) {
      const earlier = await this.repository.findByKey(input.idempotencyKey);
      if (earlier) return sameRequestOrConflict(earlier, fingerprint, input.prompt?.trim() || null);
    }
    const imageCount = (input.inputs ?? []).filter((i) => i.type === 'image').length;
    const quote = await this.quote({ model: input.model, mode: input.mode, options: input.options, imageCount, userId: input.userId });
    const { model, mode } = quote;
    assertInputCount(model, mode, imageCount);
    // A model with a voice speaks the prompt (text to speech, seed 000's talking-head video).
    if ((mode === 't2i' || mode === 'tts' || 'voice_id' in quote.options) && !input.prompt?.trim()) {
      throw new DomainError('VALIDATION_FAILED', `${model.slug} needs a prompt`, { fields: [{ field: 'prompt', problems: ['required'] }] });
    }
    const route = this.providers.routeOrThrow(model, mode);
    if (!(await route.provider.hasBalance())) {
      throw new DomainError('GENERATION_PROVIDER_UNAVAILABLE', `${model.displayName} is paused: the provider balance is too low`, {
        model: model.slug,
        retryAfterSeconds: 300,
      });
    }
    // Cheap refusals first: a download is the expensive part, and a probe must cost the prober.
    const maxActive = await this.maxActive();
    await this.assertBelowActiveCap(input.userId, maxActive);
    const remote = (input.inputs ?? []).some((i) => i.url && !i.storageKey);
    if (remote && !quote.trial && !input.waitForPayment) await this.assertCanPay(input.userId, quote.price);
    const inputs = await this.storedInputs(input);

    const id = randomUUID();
    const base = {
      id,
      userId: input.userId,
      modelId: model.id,
      mode,
      prompt: input.prompt?.trim() || null,
      options: quote.options,
      inputs,
      priceCredits: quote.price,
      provider: route.provider.name,
      providerModel: route.providerModel,
      source: input.source,
      serviceType: input.serviceType ?? null,
      description: input.description ?? null,
      chatId: input.chatId ?? null,
      messageId: input.messageId ?? null,
      promptMessageId: input.promptMessageId ?? null,
      language: input.language ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
      meta: { ...input.meta, requestFingerprint: fingerprint },
    };

    const generation = await this.record(base, model, quote.trial, input.waitForPayment === true, maxActive, fingerprint);
    if (generation.status === 'queued') await this.queue.run(generation.id);
    return generation;
  }

  async get(id: string): Promise<Generation> {
    const generation = await this.repository.find(id);
    if (!generation) throw new DomainError('GENERATION_NOT_FOUND', 'Generation not found', { generationId: id });
    return generation;
  }

  /** The generation, if it is this user's; 403 otherwise (404 when it does not exist). */
  async getOwned(id: string, userId: string): Promise<Generation> {
    const generation = await this.get(id);
    if (generation.userId !== userId) throw new DomainError('GENERATION_FORBIDDEN', 'This generation belongs to someone else');
    return generation;
  }

  list(userId: string, limit = 50): Promise<Generation[]> {
    return this.repository.listForUser(userId, limit);
  }

  /** The unfinished ones, newest first: cached, and current in every process after any change. */
  active(userId: string): Promise<Generation[]> {
    return this.repository.activeFor(userId);
  }

  results(generationId: string): Promise<GenerationResult[]> {
    return this.repository.results(generationId);
  }

  /** How many generations the user has finished well, and when the first and the last were made. */
  succeededSummary(userId: string): Promise<{ count: number; firstAt: Date | null; lastAt: Date | null }> {
    return this.repository.succeededSummary(userId);
  }

  /**
   * The generation once it is final, read every `intervalMs` until `timeoutMs` passes (then as it
   * stands). For callers that must answer with the result (seed 003's synchronous /generate); the
   * worker does the work meanwhile, so the wait holds nothing but this request.
   */
  async waitFinal(id: string, options: { timeoutMs: number; intervalMs?: number }): Promise<Generation> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const generation = await this.get(id);
      if (isFinal(generation.status) || Date.now() >= deadline) return generation;
      await new Promise((resolve) => setTimeout(resolve, Math.min(options.intervalMs ?? 250, Math.max(0, deadline - Date.now()))));
    }
  }

  /**
   * Cancels a generation the provider has not started: the hold is released and the job becomes a
   * no-op. A running one is the provider's already and is refused with 409.
   */
  async cancel(generation: Generation): Promise<Generation> {
    if (isFinal(generation.status))
      throw new DomainError('GENERATION_NOT_CANCELLABLE', `This generation is already ${generation.status}`, { status: generation.status });
    const cancelled = await this.repository.transition(generation.id, ['waiting_payment', 'queued'], {
      status: 'cancelled',
      finished_at: new Date(),
      error: 'cancelled by the user',
    });
    if (!cancelled) throw new DomainError('GENERATION_NOT_CANCELLABLE', 'The provider has already started this generation', { status: 'running' });
    if (cancelled.holdId) await this.ledger.release({ holdId: cancelled.holdId });
    return cancelled;
  }

  /**
   * Asks the worker to look at a running generation now rather than at its next scheduled poll:
   * one poll that schedules nothing after it, and one at a time however often this is called.
   */
  async refresh(generation: Generation): Promise<Generation> {
    if (generation.status === 'running' && generation.externalId) await this.queue.refresh(generation.id);
    if (generation.status === 'queued') await this.queue.run(generation.id);
    return generation;
  }

  async trialAvailable(userId: string, model: CatalogModel): Promise<boolean> {
    const slugs = (await this.settings.get('trial_model_slugs')) as string[];
    if (!slugs.includes(model.slug)) return false;
    return !(await this.repository.trialUsed(userId));
  }

  /**
   * One transaction records the generation with its trial use or its hold: whatever fails in it (a
   * racing duplicate Idempotency-Key, most likely) takes the hold back with it, so nothing needs
   * compensating. The hold is taken last, since the ledger accounts it locks (the shared
   * generation-spend one among them) stay locked until the commit.
   */
  private async record(
    base: NewBase,
    model: CatalogModel,
    trial: boolean,
    waitForPayment: boolean,
    maxActive: number,
    fingerprint: string,
  ): Promise<Generation> {
    try {
      const recorded = await this.repository.transaction(async (em) => {
        if (maxActive > 0) await this.repository.lockUserSubmits(em, base.userId);
        // A same-key submit that waited for the lock finds its twin here, before the cap counts it against it.
        const twin = base.idempotencyKey ? await this.repository.findByKey(base.idempotencyKey, em) : undefined;
        if (twin) return twin;
        await this.assertBelowActiveCap(base.userId, maxActive, em);
        if (trial && (await this.repository.takeTrial(em, { userId: base.userId, modelId: model.id, generationId: base.id }))) {
          return this.repository.insert(em, { ...base, status: 'queued', priceCredits: 0, isTrial: true, holdId: null });
        }
        const holdId = await this.hold(em, base, model, waitForPayment);
        const status = holdId || base.priceCredits === 0 ? 'queued' : 'waiting_payment';
        return this.repository.insert(em, { ...base, status, isTrial: false, holdId });
      });
      return recorded.id === base.id ? recorded : sameRequestOrConflict(recorded, fingerprint, base.prompt);
    } catch (error) {
      if (base.idempotencyKey && isUniqueViolation(error)) {
        const winner = await this.repository.findByKey(base.idempotencyKey);
        if (winner) return sameRequestOrConflict(winner, fingerprint, base.prompt);
      }
      throw error;
    }
  }

  /** The hold on a paid generation's price, in `em`; null when the user cannot pay and asked to wait for payment. */
  private async hold(em: EntityManager, base: NewBase, model: CatalogModel, waitForPayment: boolean): Promise<string | null> {
    if (base.priceCredits <= 0) return null;
    const reserve = async (tx: EntityManager) => {
      const { hold } = await this.ledger.reserve(
        {
          idempotencyKey: `generation:${base.id}`,
          userId: base.userId,
          amount: base.priceCredits,
          kind: 'generation',
          ttlSeconds: model.timeoutSeconds + HOLD_MARGIN_SECONDS,
          reference: base.id,
          meta: { generationId: base.id, model: model.slug, jobId: base.id },
        },
        tx,
      );
      return hold.id;
    };
    if (!waitForPayment) return reserve(em);
    try {
      // In a savepoint: a refused hold must not abort the transaction that goes on to park the generation.
      return await em.transaction(reserve);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'LEDGER_INSUFFICIENT_CREDITS') return null;
      throw error;
    }
  }

  /**
   * The inputs as stored: every client URL fetched into storage now, a few at a time (each may
   * hold up to UPLOAD_MAX_BYTES in memory). The first failure by position is the answer.
   */
  private async storedInputs(input: SubmitInput): Promise<GenerationInput[]> {
    const items = input.inputs ?? [];
    const stored: GenerationInput[] = [];
    for (let start = 0; start < items.length; start += PARALLEL_FETCHES) {
      const settled = await Promise.allSettled(
        items.slice(start, start + PARALLEL_FETCHES).map(async ({ field, ...item }, j): Promise<GenerationInput> => {
          if (!item.url || item.storageKey) return item;
          const data = await this.data.importUrl({ userId: input.userId, type: item.type, url: item.url, field: field ?? `inputs[${start + j}]` });
          // The URL stays for display (seed 001's Job.input echoes it); the worker reads storageKey.
          return { ...item, dataId: data.id, storageKey: data.storageKey, contentType: data.contentType };
        }),
      );
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      stored.push(...settled.map((r) => (r as PromiseFulfilledResult<GenerationInput>).value));
    }
    return stored;
  }

  private async assertCanPay(userId: string, price: number): Promise<void> {
    if (price <= 0) return;
    const available = await this.ledger.balance(userId).then(
      (b) => b.available,
      () => 0, // no account yet: nothing to spend
    );
    if (available < price) throw new DomainError('LEDGER_INSUFFICIENT_CREDITS', 'Not enough credits', { amount: price, available });
  }

  private async maxActive(): Promise<number> {
    return Number(await this.settings.get('max_active_generations_per_user'));
  }

  /**
   * At most `max` queued or running generations per user (0: no cap), so one user cannot take
   * every worker slot. Exact inside the recording transaction, after `lockUserSubmits`; outside
   * it, a cheap early refusal.
   */
  private async assertBelowActiveCap(userId: string, max: number, em?: EntityManager): Promise<void> {
    if (!(max > 0)) return;
    const active = await this.repository.countActive(userId, em);
    if (active >= max) {
      throw new DomainError(
        'GENERATION_TOO_MANY_ACTIVE',
        `You already have ${active} generations in progress; at most ${max} may run at once. Try again when one finishes.`,
        { active, max, retryAfterSeconds: 15 },
      );
    }
  }
}

type NewBase = Omit<Parameters<GenerationsRepository['insert']>[1], 'status' | 'isTrial' | 'holdId'>;

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { driverError?: { code?: string } }).driverError?.code === '23505';
}

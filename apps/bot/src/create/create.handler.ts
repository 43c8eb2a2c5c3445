import { Action, Command, Ctx, Update } from 'nestjs-telegraf';
import type { InlineKeyboardMarkup, PhotoSize } from 'telegraf/types';
import type { Markup } from 'telegraf';
import { AppConfig, DomainError, SettingsService } from '@genbot/core';
import { CatalogModel, CatalogService, GenerationInput, GenerationsService, ProviderRegistry } from '@genbot/generations';
import { LedgerService } from '@genbot/ledger';
import { credits } from '@genbot/telegram';
import { parseFlowButton, flowButtons } from '../flows/callback-data';
import { FlowRouter } from '../flows/flow-router';
import { FlowState } from '../flows/flow-state.store';
import { MainMenu } from '../menu/main-menu';
import type { BotContext } from '../telegram/bot-context';
import { botIdOf } from '../telegram/bot-identity';
import {
  CREATE_FLOW,
  EnumOption,
  PricedModel,
  askedOptions,
  buyKeyboard,
  cancelKeyboard,
  clampPage,
  confirmKeyboard,
  modelsKeyboard,
  optionKeyboard,
  photosKeyboard,
  toolsKeyboard,
} from './create.keyboards';
import { CREATE_TEXTS, CreateTexts } from './create.texts';
import { TelegramPhotos } from './telegram-photos';

/** Seed 003's model: a child's drawing in, several illustrations out. */
export const DRAWING_MODEL = 'animate-drawing';
const PROMPT_MAX_CHARS = 2000;

/**
 * Where a user is in making something: a model (or, for a photo, a tool) picked, its options,
 * the prompt and photos, then the confirm. `submitted` keeps the version of the confirm that was
 * pressed, so a second tap on it is told "already started" rather than "expired".
 */
interface CreateData {
  kind: 'create' | 'tool';
  page: number;
  model?: string;
  options: Record<string, string>;
  /** Option keys still to ask, in order. */
  ask: string[];
  prompt?: string;
  promptMessageId?: number;
  photos: GenerationInput[];
  photosDone?: boolean;
  submitted?: number;
}

type Keyboard = Markup.Markup<InlineKeyboardMarkup>;

/**
 * Generating from the chat, on the same GenerationsService as the Mini App: /create (model →
 * options → prompt → photos → confirm), /tools (photo → tool → option → confirm), and a photo sent
 * outside any flow (seed 003: brought to life as a drawing, or a choice, per
 * `bot_default_photo_action`). The worker's progress message and delivery do the rest.
 */
@Update()
export class CreateHandler {
  private readonly botId: string;

  constructor(
    private readonly router: FlowRouter,
    private readonly menu: MainMenu,
    private readonly catalog: CatalogService,
    private readonly providers: ProviderRegistry,
    private readonly generations: GenerationsService,
    private readonly ledger: LedgerService,
    private readonly settings: SettingsService,
    private readonly photos: TelegramPhotos,
    config: AppConfig,
  ) {
    this.botId = botIdOf(config);
    router.register(CREATE_FLOW, { text: this.onText, photo: this.onPhoto });
    router.registerDefaultPhoto(this.onDefaultPhoto);
  }

  @Command('create')
  async create(@Ctx() ctx: BotContext): Promise<void> {
    const t = textsOf(ctx);
    const models = await this.priced(await this.creatable());
    if (models.length === 0) return void (await ctx.reply(t.noModels));
    const state = await this.router.store.start<CreateData>(ctx.state.user.id, CREATE_FLOW, 'model', {
      kind: 'create',
      page: 0,
      options: {},
      ask: [],
      photos: [],
    });
    await ctx.reply(t.chooseModel, modelsKeyboard(models, 0, state.version, t, this.creditsOf(ctx)));
  }

  @Action('menu:create')
  async createButton(@Ctx() ctx: BotContext): Promise<void> {
    await ctx.answerCbQuery();
    await this.create(ctx);
  }

  @Command('tools')
  async tools(@Ctx() ctx: BotContext): Promise<void> {
    const state = await this.startToolFlow(ctx.state.user.id);
    await ctx.reply(textsOf(ctx).sendToolPhoto, cancelKeyboard(state.version, textsOf(ctx)));
  }

  @Action('menu:tools')
  async toolsButton(@Ctx() ctx: BotContext): Promise<void> {
    await ctx.answerCbQuery();
    await this.tools(ctx);
  }

  @Action(flowButtons(CREATE_FLOW))
  async button(@Ctx() ctx: BotContext): Promise<void> {
    const t = textsOf(ctx);
    const pressed = parseFlowButton(ctx.callbackQuery && 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : undefined);
    if (pressed?.action === 'confirm') {
      const now = await this.router.store.get<CreateData>(ctx.state.user.id);
      if (now?.flow === CREATE_FLOW && now.step === 'submitted' && now.data.submitted === pressed.version)
        return void (await ctx.answerCbQuery(t.alreadyStarted));
    }
    const current = await this.router.button<CreateData>(ctx, CREATE_FLOW);
    if (!current) return;
    const { state, button } = current;
    if (button.action === 'confirm') return this.confirm(ctx, state);
    // Each branch answers the button once: by showing the next step (show) or as expired.
    switch (button.action) {
      case 'page': {
        const models = await this.priced(await this.creatable());
        const page = clampPage(Number(button.arg), models.length);
        const next = await this.advance(ctx, state, 'model', { ...state.data, page });
        if (next) await this.show(ctx, t.chooseModel, modelsKeyboard(models, page, next.version, t, this.creditsOf(ctx)), true);
        return;
      }
      case 'model': {
        const model = await this.catalog.get(button.arg ?? '').catch(() => undefined);
        const offered = model && (state.data.kind === 'tool' ? model.kind === 'tool' || model.slug === DRAWING_MODEL : model.kind !== 'tool');
        if (!model || !offered) return this.router.expired(ctx);
        return this.nextStep(ctx, state, { ...state.data, model: model.slug, options: {}, ask: askedOptions(model) }, true);
      }
      case 'opt': {
        const key = state.data.ask[0];
        const model = await this.catalog.get(state.data.model ?? '').catch(() => undefined);
        const spec = key ? model?.optionsSchema[key] : undefined;
        const value = spec?.type === 'enum' ? spec.values[Number(button.arg)] : undefined;
        if (!key || value === undefined) return this.router.expired(ctx);
        return this.nextStep(ctx, state, { ...state.data, options: { ...state.data.options, [key]: value }, ask: state.data.ask.slice(1) }, true);
      }
      case 'photos':
        return this.nextStep(ctx, state, { ...state.data, photosDone: true }, true);
      case 'cancel':
        await ctx.answerCbQuery();
        await this.router.store.clear(ctx.state.user.id);
        await ctx.editMessageText(t.cancelled).catch(() => undefined);
        return this.menu.send(ctx);
      default:
        return this.router.expired(ctx);
    }
  }

  /** A prompt, at the prompt step; replying to it is where the result lands. */
  private readonly onText = async (ctx: BotContext, state: FlowState, text: string): Promise<boolean> => {
    if (state.step !== 'prompt') return false;
    const data = state.data as CreateData;
    const promptMessageId = ctx.message?.message_id;
    await this.nextStep(ctx, state as FlowState<CreateData>, { ...data, prompt: text.trim().slice(0, PROMPT_MAX_CHARS), promptMessageId }, false);
    return true;
  };

  /** The photo for a tool, or one more photo for an image-to-image model (up to its limit). */
  private readonly onPhoto = async (ctx: BotContext, state: FlowState, sizes: PhotoSize[]): Promise<boolean> => {
    const current = state as FlowState<CreateData>;
    const t = textsOf(ctx);
    if (current.step === 'photo') {
      const input = await this.store(ctx, sizes);
      if (!input) return true;
      return this.offerTools(ctx, current, input, false);
    }
    if (current.step !== 'photos') return false;
    const model = await this.catalog.get(current.data.model ?? '').catch(() => undefined);
    if (!model) return false;
    const max = Math.max(1, model.maxInputImages);
    const input = await this.store(ctx, sizes);
    if (!input) return true;
    const photos = [...current.data.photos, input].slice(0, max);
    const data = { ...current.data, photos, promptMessageId: current.data.promptMessageId ?? ctx.message?.message_id };
    if (photos.length >= max) await this.nextStep(ctx, current, { ...data, photosDone: true }, false);
    else {
      const next = await this.advance(ctx, current, 'photos', data);
      if (next) await ctx.reply(t.photoReceived(photos.length, max), photosKeyboard(next.version, t, { received: photos.length, min: model.minInputImages }));
    }
    return true;
  };

  /** Seed 003: a drawing is brought to life at once; or, when the operator says so, the user chooses. */
  private readonly onDefaultPhoto = async (ctx: BotContext, sizes: PhotoSize[]): Promise<void> => {
    const action = await this.settings.get('bot_default_photo_action');
    const drawing = await this.catalog.get(DRAWING_MODEL).catch(() => undefined);
    if (action === 'drawing' && drawing && this.providers.route(drawing, 'i2i')) return this.drawing(ctx, drawing, sizes);
    const input = await this.store(ctx, sizes);
    if (!input) return;
    const state = await this.startToolFlow(ctx.state.user.id);
    await this.offerTools(ctx, state, input, true);
  };

  /** /tools, or a photo with no flow: the tool flow waits at its photo step. */
  private startToolFlow(userId: string): Promise<FlowState<CreateData>> {
    return this.router.store.start<CreateData>(userId, CREATE_FLOW, 'photo', { kind: 'tool', page: 0, options: {}, ask: [], photos: [] });
  }

  private async drawing(ctx: BotContext, model: CatalogModel, sizes: PhotoSize[]): Promise<void> {
    const t = textsOf(ctx);
    const chatId = String(ctx.chat!.id);
    if (await this.busy(ctx.state.user.id, chatId)) return void (await ctx.reply(t.busy));
    const options = { count: await this.drawingImages() };
    const quote = await this.generations.quote({ model: model.slug, options, imageCount: 1, userId: ctx.state.user.id });
    const short = await this.shortBy(ctx, quote.trial ? 0 : quote.price);
    if (short) return void (await ctx.reply(short, buyKeyboard(t)));
    const input = await this.store(ctx, sizes);
    if (!input) return;
    const photoMessageId = ctx.message!.message_id;
    const progress = await ctx.reply(ctx.state.t.generationStarted(model.displayName), {
      reply_parameters: { message_id: photoMessageId, allow_sending_without_reply: true },
    });
    try {
      await this.generations.submit({
        userId: ctx.state.user.id,
        model: model.slug,
        options,
        inputs: [input],
        source: 'bot',
        // One drawing message is one generation, however often its update is handled.
        idempotencyKey: `bot:${this.botId}:drawing:${chatId}:${photoMessageId}`,
        chatId,
        messageId: progress.message_id,
        promptMessageId: photoMessageId,
        language: ctx.state.lang,
      });
    } catch (error) {
      const refusal = await this.refusal(ctx, error, model, quote.price);
      await ctx.telegram.editMessageText(chatId, progress.message_id, undefined, refusal.text, refusal.buy ? buyKeyboard(t) : undefined);
    }
  }

  /**
   * Submits what the confirm message shows. Its idempotency key is the confirm's flow version, and
   * the confirm message becomes the progress message, so two taps (even handled at once by two
   * replicas) make the same request: one generation, one charge.
   */
  private async confirm(ctx: BotContext, state: FlowState<CreateData>): Promise<void> {
    const t = textsOf(ctx);
    const chatId = String(ctx.chat!.id);
    const messageId = ctx.callbackQuery!.message!.message_id;
    const model = await this.catalog.get(state.data.model ?? '').catch(() => undefined);
    if (!model) {
      await ctx.answerCbQuery();
      await this.router.store.clear(ctx.state.user.id);
      return void (await ctx.editMessageText(t.unavailable(state.data.model ?? '')));
    }
    if (await this.busy(ctx.state.user.id, chatId)) return void (await ctx.answerCbQuery(t.busy, { show_alert: true }));
    const request = await this.request(model, state.data);
    const quote = await this.generations.quote({
      model: model.slug,
      options: request.options,
      imageCount: state.data.photos.length,
      userId: ctx.state.user.id,
    });
    const short = await this.shortBy(ctx, quote.trial ? 0 : quote.price);
    await ctx.answerCbQuery();
    if (short) return void (await ctx.editMessageText(`${this.summary(ctx, model, state.data, quote)}\n\n${short}`, confirmKeyboard(state.version, t, true)));
    await ctx.editMessageText(ctx.state.t.generationStarted(model.displayName));
    try {
      await this.generations.submit({
        userId: ctx.state.user.id,
        model: model.slug,
        prompt: request.prompt,
        options: request.options,
        inputs: state.data.photos,
        source: 'bot',
        idempotencyKey: `bot:${this.botId}:create:${ctx.state.user.id}:${state.version}`,
        chatId,
        messageId,
        promptMessageId: state.data.promptMessageId ?? null,
        language: ctx.state.lang,
      });
    } catch (error) {
      const refusal = await this.refusal(ctx, error, model, quote.price);
      return void (await ctx.editMessageText(refusal.text, confirmKeyboard(state.version, t, refusal.buy)));
    }
    await this.router.store.advance(ctx.state.user.id, state, 'submitted', { ...state.data, submitted: state.version });
  }

  /** Moves to whatever the model still needs: an option, the prompt, photos, or the confirm. */
  private async nextStep(ctx: BotContext, state: FlowState<CreateData>, data: CreateData, edit: boolean): Promise<void> {
    const t = textsOf(ctx);
    const model = await this.catalog.get(data.model ?? '').catch(() => undefined);
    if (!model) return this.router.expired(ctx);
    const key = data.ask[0];
    const spec = key ? model.optionsSchema[key] : undefined;
    if (key && spec?.type === 'enum') {
      const next = await this.advance(ctx, state, 'option', data);
      if (next) await this.show(ctx, t.chooseOption(t.optionNames[key] ?? key), optionKeyboard(spec as EnumOption, next.version, t), edit);
      return;
    }
    if (data.kind === 'create' && data.prompt === undefined) {
      const next = await this.advance(ctx, state, 'prompt', data);
      if (next) await this.show(ctx, t.sendPrompt(model.displayName), cancelKeyboard(next.version, t), edit);
      return;
    }
    if (data.kind === 'create' && model.modes.includes('i2i') && !data.photosDone) {
      const next = await this.advance(ctx, state, 'photos', data);
      const max = Math.max(1, model.maxInputImages);
      const min = model.modes.includes('t2i') ? 0 : Math.max(1, model.minInputImages);
      if (next) await this.show(ctx, t.sendPhotos(max, min === 0), photosKeyboard(next.version, t, { received: data.photos.length, min }), edit);
      return;
    }
    const request = await this.request(model, data);
    const quote = await this.generations.quote({ model: model.slug, options: request.options, imageCount: data.photos.length, userId: ctx.state.user.id });
    const next = await this.advance(ctx, state, 'confirm', data);
    if (next) await this.show(ctx, this.summary(ctx, model, data, quote), confirmKeyboard(next.version, t), edit);
  }

  private async offerTools(ctx: BotContext, state: FlowState<CreateData>, input: GenerationInput, withDrawing: boolean): Promise<boolean> {
    const t = textsOf(ctx);
    const tools = await this.priced((await this.catalog.active()).filter((m) => m.kind === 'tool' && this.providers.route(m, 'tool')));
    const drawingModel = withDrawing ? await this.catalog.get(DRAWING_MODEL).catch(() => undefined) : undefined;
    const drawing = drawingModel && this.providers.route(drawingModel, 'i2i') ? (await this.priced([drawingModel]))[0] : undefined;
    const next = await this.advance(ctx, state, 'tool', { ...state.data, photos: [input] });
    if (next) await ctx.reply(t.chooseTool, toolsKeyboard(tools, next.version, t, this.creditsOf(ctx), drawing));
    return true;
  }

  /** The models /create offers: active, not tools, making images from text or images, with a provider configured now. */
  private async creatable(): Promise<CatalogModel[]> {
    return (await this.catalog.active()).filter((m) => {
      if (m.kind === 'tool') return false;
      const mode = m.modes.includes('t2i') ? 't2i' : m.modes.includes('i2i') ? 'i2i' : undefined;
      return mode !== undefined && this.providers.route(m, mode) !== undefined;
    });
  }

  /** Models with the price of their default options; one without a price is not offered. */
  private async priced(models: CatalogModel[]): Promise<PricedModel[]> {
    const priced = await Promise.all(
      models.map(async (m) => {
        const mode = m.modes.includes('t2i') ? 't2i' : m.modes[0];
        const options = m.slug === DRAWING_MODEL ? { count: await this.drawingImages() } : {};
        const quote = await this.generations.quote({ model: m.slug, mode, options }).catch(() => undefined);
        return quote ? { slug: m.slug, name: m.displayName, price: quote.price } : undefined;
      }),
    );
    return priced.filter((m): m is PricedModel => m !== undefined);
  }

  private async request(model: CatalogModel, data: CreateData): Promise<{ prompt?: string; options: Record<string, string | number> }> {
    const options: Record<string, string | number> = { ...data.options };
    if (model.slug === DRAWING_MODEL) options.count = await this.drawingImages();
    return { prompt: data.kind === 'create' ? data.prompt : undefined, options };
  }

  private summary(ctx: BotContext, model: CatalogModel, data: CreateData, quote: { price: number; trial: boolean }): string {
    const t = textsOf(ctx);
    const options = Object.entries(data.options).map(([key, value]) => `⚙️ ${t.optionNames[key] ?? key}: ${value}`);
    return t.confirmSummary({ model: model.displayName, options, prompt: data.prompt, photos: data.photos.length, price: quote.price, trial: quote.trial });
  }

  /** The refusal to show for a submit that did not start, and whether buying credits would help. */
  private async refusal(ctx: BotContext, error: unknown, model: CatalogModel, price: number): Promise<{ text: string; buy: boolean }> {
    const t = textsOf(ctx);
    if (!(error instanceof DomainError)) throw error;
    switch (error.code) {
      case 'LEDGER_INSUFFICIENT_CREDITS':
        return { text: (await this.shortBy(ctx, price)) ?? t.insufficient(price, 0), buy: true };
      case 'GENERATION_TOO_MANY_ACTIVE':
        return { text: t.tooManyActive, buy: false };
      case 'IDEMPOTENCY_KEY_REUSED':
        return { text: t.alreadyStarted, buy: false };
      case 'GENERATION_PROVIDER_UNAVAILABLE':
      case 'GENERATION_MODEL_NOT_FOUND':
      case 'GENERATION_NO_PRICE':
        return { text: t.unavailable(model.displayName), buy: false };
      default:
        return { text: ctx.state.t.somethingWentWrong, buy: false };
    }
  }

  /** "Not enough credits…" when the user's available credits are below `price`; undefined when they can pay. */
  private async shortBy(ctx: BotContext, price: number): Promise<string | undefined> {
    if (price <= 0) return undefined;
    const available = await this.ledger.balance(ctx.state.user.id).then(
      (b) => b.available,
      () => 0, // no account yet: nothing to spend
    );
    return available < price ? textsOf(ctx).insufficient(price, available) : undefined;
  }

  /** Whether the operator allows one generation per chat at a time and one from this chat is still going. */
  private async busy(userId: string, chatId: string): Promise<boolean> {
    if ((await this.settings.get('bot_one_generation_at_a_time')) !== true) return false;
    return (await this.generations.active(userId)).some((g) => g.chatId === chatId);
  }

  /** The operator's image count, within what the model takes (1-8). */
  private async drawingImages(): Promise<number> {
    const value = Number(await this.settings.get('drawing_images'));
    return Number.isInteger(value) && value >= 1 && value <= 8 ? value : 4;
  }

  private async store(ctx: BotContext, sizes: PhotoSize[]): Promise<GenerationInput | undefined> {
    const t = textsOf(ctx);
    const stored = await this.photos.store(ctx, sizes);
    if (!('refused' in stored)) return stored;
    await ctx.reply(stored.refused === 'too_large' ? t.photoTooLarge(stored.maxMb) : t.photoNotImage);
    return undefined;
  }

  /** Advances the flow, or answers the button as expired when another tap moved it first. */
  private async advance(ctx: BotContext, state: FlowState<CreateData>, step: string, data: CreateData): Promise<FlowState<CreateData> | undefined> {
    const next = await this.router.store.advance(ctx.state.user.id, state, step, data);
    if (!next) await this.router.expired(ctx);
    return next;
  }

  private async show(ctx: BotContext, text: string, keyboard: Keyboard, edit: boolean): Promise<void> {
    if (ctx.callbackQuery) await ctx.answerCbQuery();
    if (edit && ctx.callbackQuery?.message) await ctx.editMessageText(text, keyboard);
    else await ctx.reply(text, keyboard);
  }

  private creditsOf(ctx: BotContext): (n: number) => string {
    return (n) => credits(ctx.state.lang, n);
  }
}

function textsOf(ctx: BotContext): CreateTexts {
  return CREATE_TEXTS[ctx.state.lang];
}

import { Action, Command, Ctx, Update } from 'nestjs-telegraf';
import { DomainError } from '@genbot/core';
import {
  CatalogService,
  CharactersService,
  GenerationsService,
  TALKING_HEAD_VIDEO_MODEL,
  VoicesService,
  isCharacterAge,
  isCharacterGender,
} from '@genbot/generations';
import { UsersService } from '@genbot/users';
import { flowButtons } from '../flows/callback-data';
import { FlowRouter } from '../flows/flow-router';
import { FlowState } from '../flows/flow-state.store';
import { MainMenu } from '../menu/main-menu';
import type { BotContext } from '../telegram/bot-context';
import { VIDEO_FLOW, ageKeyboard, editNotEnoughKeyboard, editingKeyboard, genderKeyboard, notEnoughKeyboard } from '../video-wizard/video-wizard.keyboards';
import { MAX_EDITS, VideoWizardData, VideoWizardViews, WizardState, wizardTexts } from '../video-wizard/video-wizard.views';

/** Longest script: about a minute of speech, and well inside ElevenLabs' per-request limit. */
export const MAX_SCRIPT_LENGTH = 1000;

/**
 * Seed 000's talking-head video wizard: gender → age → character gallery → optional edits by text
 * → script → voice → confirm → one generation (speech and video, one hold), delivered by the
 * worker. Every step lives in the flow state, and every button carries the state's version, so
 * an old button or a second tap is answered as expired instead of acting twice.
 */
@Update()
export class VideoWizardHandler {
  constructor(
    private readonly router: FlowRouter,
    private readonly menu: MainMenu,
    private readonly views: VideoWizardViews,
    private readonly characters: CharactersService,
    private readonly voices: VoicesService,
    private readonly generations: GenerationsService,
    private readonly users: UsersService,
    private readonly catalog: CatalogService,
  ) {
    router.register(VIDEO_FLOW, { text: (ctx, state, text) => this.text(ctx, state as WizardState, text) });
  }

  @Command('video')
  async start(@Ctx() ctx: BotContext): Promise<void> {
    const state = await this.router.store.start<VideoWizardData>(ctx.state.user.id, VIDEO_FLOW, 'gender', {});
    const t = wizardTexts(ctx);
    await ctx.reply(t.chooseGender, genderKeyboard(t, state.version));
  }

  @Action('menu:video')
  async startButton(@Ctx() ctx: BotContext): Promise<void> {
    await ctx.answerCbQuery();
    await this.start(ctx);
  }

  @Action(flowButtons(VIDEO_FLOW))
  async button(@Ctx() ctx: BotContext): Promise<void> {
    const found = await this.router.button<VideoWizardData>(ctx, VIDEO_FLOW);
    if (!found) return;
    const { state, button } = found;
    const t = wizardTexts(ctx);
    const arg = button.arg ?? '';
    // "Keep" answers with its own text while the edit is still running; every other button here.
    if (button.action !== 'keep') await ctx.answerCbQuery();
    switch (button.action) {
      case 'cancel':
        await this.router.store.clear(ctx.state.user.id);
        return this.menu.send(ctx, t.cancelled);
      case 'gender':
        if (!isCharacterGender(arg)) return;
        return this.move(ctx, state, 'age', { gender: arg }, (next) => ctx.editMessageText(t.chooseAge, ageKeyboard(t, next.version)));
      case 'age':
        if (!isCharacterAge(arg) || !state.data.gender) return;
        return this.move(ctx, state, 'gallery', { gender: state.data.gender, age: arg, page: 0 }, (next) => this.views.gallery(ctx, next));
      case 'gallery':
        if (state.step !== 'gallery') return;
        return this.move(ctx, state, 'gallery', { ...state.data, page: Number(arg) || 0 }, (next) => this.views.gallery(ctx, next));
      case 'pick':
        return this.pick(ctx, state, Number(arg));
      case 'continue':
        if (state.step !== 'character') return;
        return this.move(ctx, state, 'script', state.data, () => ctx.reply(t.askScript(MAX_SCRIPT_LENGTH)));
      case 'revert':
        return this.revert(ctx, state);
      case 'keep':
        return this.keep(ctx, state);
      case 'voices':
        if (state.step !== 'voice') return;
        return this.move(ctx, state, 'voice', { ...state.data, voicePage: Number(arg) || 0 }, (next) => this.views.voiceList(ctx, next));
      case 'voice':
        return this.chooseVoice(ctx, state, Number(arg));
      case 'confirm':
        return this.confirm(ctx, state);
      case 'back':
        return this.back(ctx, state, arg);
    }
  }

  /** Free text: an edit of the character, or the script. Other steps take none (the router then hints). */
  private async text(ctx: BotContext, state: WizardState, text: string): Promise<boolean> {
    const t = wizardTexts(ctx);
    if (state.step === 'character') {
      await this.edit(ctx, state, text.trim());
      return true;
    }
    if (state.step !== 'script') return false;
    const script = text.trim();
    if (script.length > MAX_SCRIPT_LENGTH) {
      await ctx.reply(t.scriptTooLong(script.length, MAX_SCRIPT_LENGTH));
      return true;
    }
    const last = ctx.state.user.selectedVoiceId;
    const voicePage = last && state.data.gender && state.data.age ? await this.voicePageOf(state, last) : 0;
    await this.move(ctx, state, 'voice', { ...state.data, script, voicePage }, (next) => this.views.voiceList(ctx, next));
    return true;
  }

  private async pick(ctx: BotContext, state: WizardState, index: number): Promise<void> {
    if (state.step !== 'gallery') return;
    const page = await this.characters.list(state.data.gender!, state.data.age!, state.data.page ?? 0);
    const character = page.items[index];
    if (!character) return this.views.gallery(ctx, state);
    const data = { ...state.data, characterId: character.id, title: character.title, originalKey: character.imageKey, imageKey: character.imageKey, edits: 0 };
    await this.move(ctx, state, 'character', data, async (next) => {
      await this.views.characterPhoto(ctx, character.id, wizardTexts(ctx).chosen(character.title));
      await this.views.character(ctx, next);
    });
  }

  /** An edit is an image-to-image generation of its own, delivered to the chat; "keep" then takes its result. */
  private async edit(ctx: BotContext, state: WizardState, prompt: string): Promise<void> {
    const t = wizardTexts(ctx);
    const edits = state.data.edits ?? 0;
    const edited = state.data.imageKey !== state.data.originalKey;
    if (edits >= MAX_EDITS || !prompt) return this.views.character(ctx, state);
    const model = await this.views.editModel();
    const progress = await ctx.reply(ctx.state.t.generationStarted((await this.catalog.get(model)).displayName));
    try {
      const generation = await this.generations.submit({
        userId: ctx.state.user.id,
        model,
        mode: 'i2i',
        prompt,
        inputs: [{ type: 'image', storageKey: state.data.imageKey }],
        source: 'bot',
        chatId: String(ctx.chat!.id),
        messageId: progress.message_id,
        language: ctx.state.lang,
        idempotencyKey: `bot:video-edit:${ctx.state.user.id}:${state.version}`,
      });
      await this.move(ctx, state, 'editing', { ...state.data, edits: edits + 1, editGenerationId: generation.id }, (next) =>
        ctx.reply(t.editing(edits + 1, MAX_EDITS), editingKeyboard(t, next.version)),
      );
    } catch (error) {
      if (await this.repeated(ctx, error, progress.message_id)) return;
      if (!(error instanceof DomainError && error.code === 'LEDGER_INSUFFICIENT_CREDITS')) throw error;
      const price = await this.views.editPrice(ctx);
      await ctx.telegram.editMessageText(ctx.chat!.id, progress.message_id, undefined, t.notEnough(price, await this.views.available(ctx.state.user.id)), {
        reply_markup: editNotEnoughKeyboard(t, state.version, edited).reply_markup,
      });
    }
  }

  private async keep(ctx: BotContext, state: WizardState): Promise<void> {
    const t = wizardTexts(ctx);
    if (state.step !== 'editing' || !state.data.editGenerationId) return void (await ctx.answerCbQuery());
    const generation = await this.generations.get(state.data.editGenerationId);
    if (!['succeeded', 'failed', 'cancelled'].includes(generation.status)) return void (await ctx.answerCbQuery(t.stillEditing));
    await ctx.answerCbQuery();
    const [result] = generation.status === 'succeeded' ? await this.generations.results(generation.id) : [];
    const data = { ...state.data, editGenerationId: undefined, imageKey: result?.storageKey ?? state.data.imageKey };
    await this.move(ctx, state, 'character', data, (next) => this.views.character(ctx, next, result ? t.editKept(next.data.edits ?? 0) : t.editFailed));
  }

  /** Back to the character's own portrait, from an edit kept or still running. */
  private async revert(ctx: BotContext, state: WizardState): Promise<void> {
    if (state.step !== 'character' && state.step !== 'editing') return;
    const data = { ...state.data, editGenerationId: undefined, imageKey: state.data.originalKey };
    await this.move(ctx, state, 'character', data, async (next) => {
      await this.views.characterPhoto(ctx, next.data.characterId!, wizardTexts(ctx).reverted);
      await this.views.character(ctx, next);
    });
  }

  private async chooseVoice(ctx: BotContext, state: WizardState, index: number): Promise<void> {
    if (state.step !== 'voice') return;
    const page = await this.voices.list(state.data.gender!, state.data.age!, state.data.voicePage ?? 0);
    const voice = page.items[index];
    if (!voice) return this.views.voiceList(ctx, state);
    ctx.state.user = await this.users.setSelectedVoice(ctx.state.user.id, voice.voiceId);
    await this.move(ctx, state, 'confirm', { ...state.data, voiceId: voice.voiceId, voiceName: voice.name }, (next) => this.views.confirm(ctx, next));
  }

  /**
   * The video's one generation. Its idempotency key is this confirm screen's version, so the same
   * press handled again (an update retried after a crash between submit and the flow's end) finds
   * the generation it recorded instead of charging twice; a second tap finds the menu expired.
   */
  private async confirm(ctx: BotContext, state: WizardState): Promise<void> {
    if (state.step !== 'confirm') return;
    const t = wizardTexts(ctx);
    const progress = await ctx.reply(ctx.state.t.generationStarted(await this.modelName()));
    try {
      await this.generations.submit({
        userId: ctx.state.user.id,
        model: TALKING_HEAD_VIDEO_MODEL,
        prompt: state.data.script,
        options: { voice_id: state.data.voiceId },
        inputs: [{ type: 'image', storageKey: state.data.imageKey }],
        source: 'bot',
        serviceType: 'talking_head',
        chatId: String(ctx.chat!.id),
        messageId: progress.message_id,
        language: ctx.state.lang,
        idempotencyKey: `bot:video:${ctx.state.user.id}:${state.version}`,
      });
    } catch (error) {
      if (await this.repeated(ctx, error, progress.message_id)) return this.router.store.clear(ctx.state.user.id);
      if (!(error instanceof DomainError && error.code === 'LEDGER_INSUFFICIENT_CREDITS')) throw error;
      const price = await this.views.videoPrice(ctx, state);
      const available = await this.views.available(ctx.state.user.id);
      await ctx.telegram.editMessageText(ctx.chat!.id, progress.message_id, undefined, t.notEnough(price, available), {
        reply_markup: notEnoughKeyboard(t, state.version).reply_markup,
      });
      return;
    }
    await this.router.store.clear(ctx.state.user.id);
  }

  private async back(ctx: BotContext, state: WizardState, to: string): Promise<void> {
    const t = wizardTexts(ctx);
    if (to === 'gender') return this.move(ctx, state, 'gender', {}, (next) => ctx.editMessageText(t.chooseGender, genderKeyboard(t, next.version)));
    if (to === 'age') return this.move(ctx, state, 'age', { gender: state.data.gender }, (next) => ctx.reply(t.chooseAge, ageKeyboard(t, next.version)));
    if (to === 'script') return this.move(ctx, state, 'script', state.data, () => ctx.reply(t.askScript(MAX_SCRIPT_LENGTH)));
    if (to === 'voices') return this.move(ctx, state, 'voice', state.data, (next) => this.views.voiceList(ctx, next));
  }

  /** Advances the flow, then shows the new step; a state that moved meanwhile makes the button stale. */
  private async move(
    ctx: BotContext,
    from: WizardState,
    step: string,
    data: VideoWizardData,
    show: (next: FlowState<VideoWizardData>) => Promise<unknown>,
  ): Promise<void> {
    const next = await this.router.store.advance(ctx.state.user.id, from, step, data);
    if (!next) return this.router.expired(ctx);
    await show(next);
  }

  private async voicePageOf(state: WizardState, voiceId: string): Promise<number> {
    return (await this.voices.pageOfVoice(state.data.gender!, state.data.age!, voiceId).catch(() => undefined)) ?? 0;
  }

  private async modelName(): Promise<string> {
    return (await this.catalog.get(TALKING_HEAD_VIDEO_MODEL)).displayName;
  }

  /**
   * True when this press was handled before (its key names a generation with another progress
   * message): that generation stands, and the progress message just sent is one too many.
   */
  private async repeated(ctx: BotContext, error: unknown, progressMessageId: number): Promise<boolean> {
    if (!(error instanceof DomainError && error.code === 'IDEMPOTENCY_KEY_REUSED')) return false;
    await ctx.deleteMessage(progressMessageId).catch(() => undefined);
    return true;
  }
}

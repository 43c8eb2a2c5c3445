import { Injectable, Logger } from '@nestjs/common';
import { SettingsService } from '@genbot/core';
import {
  CharactersService,
  CharacterAge,
  CharacterGender,
  GenerationsService,
  ProviderError,
  TALKING_HEAD_VIDEO_MODEL,
  VoicesService,
} from '@genbot/generations';
import { LedgerService } from '@genbot/ledger';
import type { FlowState } from '../flows/flow-state.store';
import type { BotContext } from '../telegram/bot-context';
import { ageKeyboard, characterKeyboard, confirmKeyboard, galleryKeyboard, voicesKeyboard } from './video-wizard.keyboards';
import { WIZARD_TEXTS, WizardTexts } from './video-wizard.texts';

/** How many times one wizard run may edit its character (seed 000's `edit_iteration_count`). */
export const MAX_EDITS = 5;

/** Where the user is in the wizard; kept in the flow state, ids only. */
export interface VideoWizardData {
  gender?: CharacterGender;
  age?: CharacterAge;
  page?: number;
  characterId?: string;
  title?: string;
  /** The character's own portrait, and the one the video will use (an edit's result once kept). */
  originalKey?: string;
  imageKey?: string;
  /** Edits submitted so far, counted when paid for. */
  edits?: number;
  editGenerationId?: string;
  script?: string;
  voicePage?: number;
  voiceId?: string;
  voiceName?: string;
}

export type WizardState = FlowState<VideoWizardData>;

export const wizardTexts = (ctx: BotContext): WizardTexts => WIZARD_TEXTS[ctx.state.lang];

/** The wizard's screens: each sends what the user sees at one step, with that step's buttons. */
@Injectable()
export class VideoWizardViews {
  private readonly logger = new Logger(VideoWizardViews.name);

  constructor(
    private readonly characters: CharactersService,
    private readonly voices: VoicesService,
    private readonly generations: GenerationsService,
    private readonly ledger: LedgerService,
    private readonly settings: SettingsService,
  ) {}

  /** A page of portraits as one album (numbered captions), then the message that picks one of them. */
  async gallery(ctx: BotContext, state: WizardState): Promise<void> {
    const t = wizardTexts(ctx);
    const { gender, age } = state.data;
    const page = await this.characters.list(gender!, age!, state.data.page ?? 0);
    if (page.items.length === 0) return void (await ctx.reply(t.emptyGallery, ageKeyboard(t, state.version)));
    const photos = await Promise.all(
      page.items.map(async (character, i) => ({ source: (await this.characters.image(character)).data, caption: `${i + 1}. ${character.title}` })),
    );
    if (photos.length === 1) await ctx.replyWithPhoto({ source: photos[0].source }, { caption: photos[0].caption });
    else await ctx.replyWithMediaGroup(photos.map((photo) => ({ type: 'photo', media: { source: photo.source }, caption: photo.caption })));
    await ctx.reply(t.gallery(page.page + 1, page.pages), galleryKeyboard(t, state.version, page));
  }

  /** The character as the video will show it, and the offer to edit it. */
  async character(ctx: BotContext, state: WizardState, lead?: string): Promise<void> {
    const t = wizardTexts(ctx);
    const edits = state.data.edits ?? 0;
    const offer = edits >= MAX_EDITS ? t.noMoreEdits(MAX_EDITS) : t.editOffer(await this.editPrice(ctx), edits, MAX_EDITS);
    const text = [lead, offer].filter(Boolean).join('\n\n');
    await ctx.reply(text, characterKeyboard(t, state.version, state.data.imageKey !== state.data.originalKey));
  }

  async characterPhoto(ctx: BotContext, characterId: string, caption: string): Promise<void> {
    const image = await this.characters.image(await this.characters.get(characterId));
    await ctx.replyWithPhoto({ source: image.data }, { caption });
  }

  /** A page of voices: each sample as audio (numbered captions), then the message that picks one. */
  async voiceList(ctx: BotContext, state: WizardState): Promise<void> {
    const t = wizardTexts(ctx);
    if (!this.voices.isConfigured()) return void (await ctx.reply(t.voicesUnavailable));
    const { gender, age } = state.data;
    let page;
    try {
      page = await this.voices.list(gender!, age!, state.data.voicePage ?? 0);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      this.logger.warn({ err: error }, 'voice list unavailable');
      return void (await ctx.reply(t.voicesUnavailable));
    }
    if (page.items.length === 0) return void (await ctx.reply(t.noVoices));
    for (const [i, voice] of page.items.entries()) {
      if (!voice.previewUrl) continue;
      // Telegram fetches the sample itself; one it cannot fetch costs that sample, not the list.
      await ctx
        .replyWithAudio(voice.previewUrl, { caption: `${i + 1}. ${voice.name}`, title: voice.name, performer: voice.accent ?? undefined })
        .catch((error: unknown) => this.logger.warn({ err: error, voiceId: voice.voiceId }, 'voice sample not sent'));
    }
    await ctx.reply(t.chooseVoice(page.page + 1, page.pages), voicesKeyboard(t, state.version, page, ctx.state.user.selectedVoiceId));
  }

  /** What the video will be and what it costs, with the balance to pay it from. */
  async confirm(ctx: BotContext, state: WizardState): Promise<void> {
    const t = wizardTexts(ctx);
    const { title, edits, voiceName, script } = state.data;
    const price = await this.videoPrice(ctx, state);
    const available = await this.available(ctx.state.user.id);
    await ctx.reply(t.confirm(title ?? '', edits ?? 0, voiceName ?? '', script ?? '', price, available), confirmKeyboard(t, state.version));
  }

  async videoPrice(ctx: BotContext, state: WizardState): Promise<number> {
    const quote = await this.generations.quote({
      model: TALKING_HEAD_VIDEO_MODEL,
      mode: 'talking_head',
      options: { voice_id: state.data.voiceId },
      imageCount: 1,
      userId: ctx.state.user.id,
    });
    return quote.trial ? 0 : quote.price;
  }

  async editPrice(ctx: BotContext): Promise<number> {
    const quote = await this.generations.quote({ model: await this.editModel(), mode: 'i2i', imageCount: 1, userId: ctx.state.user.id });
    return quote.trial ? 0 : quote.price;
  }

  /** The operator's choice of image-to-image model for character edits. */
  async editModel(): Promise<string> {
    return String(await this.settings.get('talking_head_edit_model'));
  }

  async available(userId: string): Promise<number> {
    return this.ledger.balance(userId).then(
      (b) => b.available,
      () => 0, // no account yet
    );
  }
}

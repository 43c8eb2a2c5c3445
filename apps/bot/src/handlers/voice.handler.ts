import { Logger } from '@nestjs/common';
import { Ctx, On, Update } from 'nestjs-telegraf';
import { Markup } from 'telegraf';
import { NewVoiceCommandLog, SpeechToText, SpeechToTextError, VoiceCommandsService, VoiceIntent } from '@genbot/speech';
import { CreateHandler } from '../create/create.handler';
import { FlowRouter } from '../flows/flow-router';
import { MainMenu } from '../menu/main-menu';
import type { BotContext } from '../telegram/bot-context';
import { downloadTelegramFile, TelegramFileTooLarge } from '../telegram/telegram-file';
import { BalanceHandler } from './balance.handler';
import { StartHandler } from './start.handler';

/** Opus voice runs about 1 MB a minute at most: 5 MB is a few minutes, far more than a command or a prompt needs. */
export const MAX_VOICE_BYTES = 5 * 1024 * 1024;

/**
 * Seed 004's voice messages: downloaded (size-capped) and transcribed; inside an active flow the
 * words are that step's text (a prompt, a script), outside one they are matched to an intent and
 * acted on, or answered with a hint and the menu. Every voice message is logged with what it was
 * heard as and what became of it.
 */
@Update()
export class VoiceHandler {
  private readonly logger = new Logger(VoiceHandler.name);

  constructor(
    private readonly speech: SpeechToText,
    private readonly voice: VoiceCommandsService,
    private readonly router: FlowRouter,
    private readonly menu: MainMenu,
    private readonly balance: BalanceHandler,
    private readonly start: StartHandler,
    private readonly create: CreateHandler,
  ) {}

  @On('voice')
  async voiceMessage(@Ctx() ctx: BotContext): Promise<void> {
    if (ctx.chat?.type !== 'private' || !ctx.message || !('voice' in ctx.message)) return;
    const { voice } = ctx.message;
    const { t, user, lang } = ctx.state;
    const log = (entry: Partial<NewVoiceCommandLog> & Pick<NewVoiceCommandLog, 'outcome'>) =>
      this.voice.log({ userId: user.id, transcript: null, intent: null, provider: null, durationSeconds: voice.duration ?? null, ...entry });

    if (!this.speech.isConfigured()) {
      await ctx.reply(t.voice.notConfigured);
      await log({ outcome: 'not_configured' });
      return;
    }
    let text: string;
    let provider: string;
    try {
      if ((voice.file_size ?? 0) > MAX_VOICE_BYTES) throw new TelegramFileTooLarge(MAX_VOICE_BYTES);
      const data = await downloadTelegramFile(ctx.telegram, voice.file_id, MAX_VOICE_BYTES);
      ({ text, provider } = await this.speech.transcribe({ data, contentType: voice.mime_type ?? 'audio/ogg', filename: 'voice.ogg' }));
    } catch (error) {
      const tooLarge = error instanceof TelegramFileTooLarge;
      // Not configured can still come from a key set aside mid-way; the user hears the same either way.
      const outcome = tooLarge ? 'too_large' : error instanceof SpeechToTextError && error.kind === 'not_configured' ? 'not_configured' : 'failed';
      if (outcome === 'failed') this.logger.warn(`voice message of user ${user.id} could not be transcribed: ${String(error)}`);
      await ctx.reply(tooLarge ? t.voice.tooLarge : outcome === 'not_configured' ? t.voice.notConfigured : t.voice.failed);
      await log({ outcome, provider: this.speech.name });
      return;
    }
    if (!text) {
      await ctx.reply(t.voice.empty);
      await log({ outcome: 'empty', transcript: '', provider });
      return;
    }
    // Shown first, so the user sees what the flow or the command got.
    await ctx.reply(t.voice.heard(text));
    if (await this.router.text(ctx, text)) {
      await log({ outcome: 'flow_input', transcript: text, provider });
      return;
    }
    const intent = this.voice.intentOf(text, lang);
    if (!intent) {
      await this.menu.send(ctx, t.voice.noMatch);
      await log({ outcome: 'no_match', transcript: text, provider });
      return;
    }
    await this.act(ctx, intent);
    await log({ outcome: 'intent', transcript: text, intent, provider });
  }

  /** What the intent's command does; buying starts from its menu button (its handler is not in this app yet). */
  private async act(ctx: BotContext, intent: VoiceIntent): Promise<void> {
    const { t } = ctx.state;
    switch (intent) {
      case 'balance':
        return this.balance.balance(ctx);
      case 'help':
        return this.start.help(ctx);
      case 'language':
        return this.start.language(ctx);
      case 'create':
        return this.create.create(ctx);
      case 'buy':
        await ctx.reply(t.voice.buy, Markup.inlineKeyboard([Markup.button.callback(t.menuBuy, 'menu:buy')]));
        return;
    }
  }
}

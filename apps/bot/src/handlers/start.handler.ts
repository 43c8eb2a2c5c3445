import { Action, Command, Ctx, Help, On, Start, Update } from 'nestjs-telegraf';
import { Markup } from 'telegraf';
import { LANGUAGE_NAMES, texts } from '@genbot/telegram';
import { LANGUAGES, UsersService, isLanguage } from '@genbot/users';
import { MainMenu } from '../menu/main-menu';
import type { BotContext } from '../telegram/bot-context';

/** /start, /help and /language, and the menu buttons that lead to them. */
@Update()
export class StartHandler {
  constructor(
    private readonly users: UsersService,
    private readonly menu: MainMenu,
  ) {}

  @Start()
  async start(@Ctx() ctx: BotContext): Promise<void> {
    const { user, created, t } = ctx.state;
    const name = user.firstName ?? user.username ?? '';
    await ctx.reply(created ? t.greeting(name) : t.greetingBack(name), this.menu.keyboard(ctx.state.t));
  }

  @Help()
  async help(@Ctx() ctx: BotContext): Promise<void> {
    await ctx.reply(ctx.state.t.help);
  }

  @Action('menu:help')
  async helpButton(@Ctx() ctx: BotContext): Promise<void> {
    await ctx.answerCbQuery();
    await this.help(ctx);
  }

  @Command('language')
  async language(@Ctx() ctx: BotContext): Promise<void> {
    const buttons = LANGUAGES.map((lang) => Markup.button.callback(LANGUAGE_NAMES[lang], `lang:${lang}`));
    await ctx.reply(ctx.state.t.chooseLanguage, Markup.inlineKeyboard([buttons]));
  }

  @Action('menu:language')
  async languageButton(@Ctx() ctx: BotContext): Promise<void> {
    await ctx.answerCbQuery();
    await this.language(ctx);
  }

  @Action(/^lang:(\w+)$/)
  async chooseLanguage(@Ctx() ctx: BotContext & { match: RegExpExecArray }): Promise<void> {
    const choice = ctx.match[1];
    if (!isLanguage(choice)) return void (await ctx.answerCbQuery());
    ctx.state.user = await this.users.setLanguage(ctx.state.user.id, choice);
    ctx.state.lang = choice;
    ctx.state.t = texts(choice);
    await ctx.answerCbQuery();
    await ctx.editMessageText(ctx.state.t.languageSaved);
    await ctx.reply(ctx.state.t.greetingBack(ctx.state.user.firstName ?? ''), this.menu.keyboard(ctx.state.t));
  }

  /** The user blocked (status `kicked`) or unblocked the bot in their private chat. */
  @On('my_chat_member')
  async membership(@Ctx() ctx: BotContext): Promise<void> {
    const update = ctx.myChatMember;
    if (!update || update.chat.type !== 'private') return;
    await this.users.setBlocked({ id: ctx.state.user.id }, update.new_chat_member.status === 'kicked');
  }
}

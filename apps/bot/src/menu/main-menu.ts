import { Injectable } from '@nestjs/common';
import { Markup } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { AppConfig } from '@genbot/core';
import type { Catalog } from '@genbot/telegram';
import type { BotContext } from '../telegram/bot-context';

/**
 * The main menu every flow leads back to. Its buttons are `menu:<name>`; each feature's handler
 * answers its own (`@Action('menu:buy')`).
 */
@Injectable()
export class MainMenu {
  constructor(private readonly config: AppConfig) {}

  keyboard(t: Catalog) {
    const rows: InlineKeyboardButton[][] = [];
    const miniAppUrl = this.config.env.MINI_APP_URL;
    // Telegram accepts web_app buttons only with an https URL.
    if (miniAppUrl?.startsWith('https://')) rows.push([Markup.button.webApp(t.menuOpenApp, miniAppUrl)]);
    rows.push(
      [Markup.button.callback(t.menuCreate, 'menu:create'), Markup.button.callback(t.menuVideo, 'menu:video')],
      [Markup.button.callback(t.menuTools, 'menu:tools')],
      [Markup.button.callback(t.menuBalance, 'menu:balance'), Markup.button.callback(t.menuBuy, 'menu:buy')],
      [Markup.button.callback(t.menuInvite, 'menu:invite'), Markup.button.callback(t.menuBonus, 'menu:bonus')],
      [Markup.button.callback(t.menuLanguage, 'menu:language'), Markup.button.callback(t.menuHelp, 'menu:help')],
    );
    return Markup.inlineKeyboard(rows);
  }

  async send(ctx: BotContext, text = ctx.state.t.menuTitle): Promise<void> {
    await ctx.reply(text, this.keyboard(ctx.state.t));
  }
}

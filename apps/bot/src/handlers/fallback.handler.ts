import { Ctx, On, Update } from 'nestjs-telegraf';
import type { PhotoSize } from 'telegraf/types';
import { FlowRouter } from '../flows/flow-router';
import { MainMenu } from '../menu/main-menu';
import type { BotContext } from '../telegram/bot-context';

/**
 * What no command or button handler took: free text and photos go to the user's active flow,
 * anything else gets a short hint with the menu, and a button nobody answers (an old menu's, a
 * removed feature's) is answered as expired. Registered last in BotModule, so commands and
 * buttons reach their handlers first.
 */
@Update()
export class FallbackHandler {
  constructor(
    private readonly router: FlowRouter,
    private readonly menu: MainMenu,
  ) {}

  @On('text')
  async text(@Ctx() ctx: BotContext): Promise<void> {
    const text = ctx.message && 'text' in ctx.message ? ctx.message.text : '';
    if (ctx.chat?.type !== 'private') return;
    if (!text.startsWith('/') && (await this.router.text(ctx, text))) return;
    await this.menu.send(ctx, ctx.state.t.unknownInput);
  }

  @On(['photo', 'document'])
  async media(@Ctx() ctx: BotContext): Promise<void> {
    if (ctx.chat?.type !== 'private') return;
    const photo = photoOf(ctx);
    if (photo && (await this.router.photo(ctx, photo))) return;
    await this.menu.send(ctx, ctx.state.t.unknownInput);
  }

  @On('callback_query')
  async staleButton(@Ctx() ctx: BotContext): Promise<void> {
    await this.router.expired(ctx);
  }
}

/** A photo's sizes, largest first, or an image sent as a file (one "size"). */
export function photoOf(ctx: BotContext): PhotoSize[] | undefined {
  const message = ctx.message;
  if (!message) return undefined;
  if ('photo' in message) return [...message.photo].sort((a, b) => b.width * b.height - a.width * a.height);
  if ('document' in message && message.document.mime_type?.startsWith('image/')) {
    const { file_id, file_unique_id, file_size } = message.document;
    return [{ file_id, file_unique_id, file_size, width: 0, height: 0 }];
  }
  return undefined;
}

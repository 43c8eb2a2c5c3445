import { Action, Command, Ctx, Update } from 'nestjs-telegraf';
import { LedgerService } from '@genbot/ledger';
import type { BotContext } from '../telegram/bot-context';

@Update()
export class BalanceHandler {
  constructor(private readonly ledger: LedgerService) {}

  @Command('balance')
  async balance(@Ctx() ctx: BotContext): Promise<void> {
    const { t, user } = ctx.state;
    const { balance, reserved, available } = await this.ledger.balance(user.id);
    await ctx.reply(reserved > 0 ? `${t.balance(balance)}\n${t.balanceReserved(reserved, available)}` : t.balance(balance));
  }

  @Action('menu:balance')
  async balanceButton(@Ctx() ctx: BotContext): Promise<void> {
    await ctx.answerCbQuery();
    await this.balance(ctx);
  }
}

import { Injectable } from '@nestjs/common';
import { SettingsService } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { RegisterInput, User, UsersService } from '@genbot/users';

/**
 * Registration as every entry point (bot, Mini App, service API) performs it: the user row (with
 * its credits account, made by the database) and, for a new user, the welcome bonus from settings.
 */
@Injectable()
export class OnboardingService {
  constructor(
    private readonly users: UsersService,
    private readonly ledger: LedgerService,
    private readonly settings: SettingsService,
  ) {}

  async register(input: RegisterInput): Promise<{ user: User; created: boolean }> {
    const result = await this.users.register(input);
    if (result.created) await this.grantWelcomeBonus(result.user);
    return result;
  }

  /** `/start <payload>` or a Mini App start parameter: the same, with `ref_` / `src_` decoded. */
  async registerFromStart(input: Omit<RegisterInput, 'refCode' | 'source'>, payload: string | undefined): Promise<{ user: User; created: boolean }> {
    const result = await this.users.registerFromStart(input, payload);
    if (result.created) await this.grantWelcomeBonus(result.user);
    return result;
  }

  private async grantWelcomeBonus(user: User): Promise<void> {
    const amount = Number(await this.settings.get('welcome_bonus_credits'));
    if (!(amount > 0)) return;
    // Keyed by the user: granted once even if registration is retried.
    await this.ledger.transfer({ idempotencyKey: `welcome:${user.id}`, from: { system: 'bonuses' }, to: { userId: user.id }, amount, kind: 'welcome_bonus' });
  }
}

import type { TestingModule } from '@nestjs/testing';
import { LedgerModule, LedgerService } from '@genbot/ledger';
import { UsersModule } from '@genbot/users';
import { createIntegrationModule } from './test-module';
import { bannedUser, createTestUser, fundedUser, userWithLanguage } from './user-factories';

describe('user factories', () => {
  let moduleRef: TestingModule;
  beforeAll(async () => {
    moduleRef = await createIntegrationModule([UsersModule, LedgerModule]);
  });
  afterAll(() => moduleRef.close());

  it('make distinct users, funded, banned or with a language, as the services then see them', async () => {
    const [plain, funded, banned, russian] = await Promise.all([
      createTestUser(moduleRef),
      fundedUser(moduleRef, 120),
      bannedUser(moduleRef, 'spam'),
      userWithLanguage(moduleRef, 'ru'),
    ]);
    expect(new Set([plain, funded, banned, russian].map((user) => user.telegramId)).size).toBe(4);
    const ledger = moduleRef.get(LedgerService);
    expect(await ledger.balance(plain.id)).toEqual({ balance: 0, reserved: 0, available: 0 });
    expect(await ledger.balance(funded.id)).toEqual({ balance: 120, reserved: 0, available: 120 });
    expect(banned).toMatchObject({ isBanned: true, banReason: 'spam' });
    expect(russian).toMatchObject({ language: 'ru', isBanned: false });
  });
});

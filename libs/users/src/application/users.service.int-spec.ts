import type { TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { createIntegrationModule, uniqueTelegramId } from '@genbot/testing';
import { UsersModule } from '../users.module';
import { UsersService } from './users.service';

describe('UsersService against PostgreSQL', () => {
  let moduleRef: TestingModule;
  let users: UsersService;
  let db: DataSource;

  beforeAll(async () => {
    moduleRef = await createIntegrationModule([UsersModule]);
    users = moduleRef.get(UsersService);
    db = moduleRef.get(DataSource);
  });
  afterAll(() => moduleRef.close());

  it('creates exactly one row for twenty simultaneous registrations, and reports one creation', async () => {
    const telegramId = String(uniqueTelegramId());
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => users.register({ telegramId, username: `u${i}` })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.user.id)).size).toBe(1);
    const [{ count }] = await db.query('SELECT count(*)::int AS count FROM users WHERE telegram_id = $1', [telegramId]);
    expect(count).toBe(1);
  });

  it('links the referrer when twenty simultaneous first contacts all carry the code', async () => {
    const inviter = (await users.register({ telegramId: String(uniqueTelegramId()) })).user;
    const telegramId = String(uniqueTelegramId());
    await Promise.all(Array.from({ length: 20 }, () => users.registerFromStart({ telegramId }, `ref_${inviter.referralCode}`)));
    expect((await users.getByTelegramId(telegramId)).referrerId).toBe(inviter.id);
    expect((await users.referralSummary(inviter)).invitedCount).toBe(1);
  });

  it('keeps profile fields a later call omits, and counts activity per day', async () => {
    const telegramId = String(uniqueTelegramId());
    const { user } = await users.register({ telegramId, username: 'kept', firstName: 'Kim', languageCode: 'ru' });
    const again = (await users.register({ telegramId })).user;
    expect(again).toMatchObject({ username: 'kept', firstName: 'Kim', languageCode: 'ru' });
    await users.recordActivity(user.id);
    await users.recordActivity(user.id);
    const rows = await db.query('SELECT updates FROM user_daily_activity WHERE user_id = $1', [user.id]);
    expect(rows).toEqual([{ updates: 2 }]);
  });

  it('writes nothing for a returning user seen within the minute with the same profile, and writes a change or a later visit', async () => {
    const telegramId = String(uniqueTelegramId());
    const profile = { telegramId, username: 'same', firstName: 'Sam', languageCode: 'en' };
    const { user } = await users.register(profile);
    const stamp = async () => (await db.query('SELECT updated_at FROM users WHERE id = $1', [user.id]))[0].updated_at as Date;
    const first = await stamp();

    // Every bot update registers its sender: the common one changes nothing and is not written.
    expect(await users.register({ telegramId, firstName: 'Sam' })).toEqual({
      user: expect.objectContaining({ id: user.id, username: 'same' }),
      created: false,
    });
    expect(await users.register(profile)).toMatchObject({ created: false });
    expect(await stamp()).toEqual(first);

    const renamed = await users.register({ ...profile, username: 'renamed' });
    expect(renamed.user.username).toBe('renamed');
    expect((await db.query('SELECT username FROM users WHERE id = $1', [user.id]))[0].username).toBe('renamed');
    const second = await stamp();
    expect(second.getTime()).toBeGreaterThan(first.getTime());

    // Last seen over a minute ago (as a cached copy from back then would say): this visit is written.
    await db.query(`UPDATE users SET last_activity_at = now() - interval '61 seconds' WHERE id = $1`, [user.id]);
    await users.setLanguage(user.id, 'en'); // a write through the service refreshes every cached copy
    const visited = await users.register({ ...profile, username: 'renamed' });
    expect(Date.now() - visited.user.lastActivityAt!.getTime()).toBeLessThan(10_000);
  });

  it('refuses a self-referral in the database itself', async () => {
    const { user } = await users.register({ telegramId: String(uniqueTelegramId()) });
    await expect(db.query('UPDATE users SET referrer_id = id WHERE id = $1', [user.id])).rejects.toThrow(/users_not_own_referrer/);
  });

  it('remembers the selected voice between reads, through the cache too, and refuses a malformed id', async () => {
    const telegramId = String(uniqueTelegramId());
    const { user } = await users.register({ telegramId });
    expect(user.selectedVoiceId).toBeNull();
    await users.findByTelegramIdCached(telegramId);
    await users.setSelectedVoice(user.id, '21m00Tcm4TlvDq8ikWAM');
    expect((await users.getById(user.id)).selectedVoiceId).toBe('21m00Tcm4TlvDq8ikWAM');
    expect((await users.findByTelegramIdCached(telegramId))?.selectedVoiceId).toBe('21m00Tcm4TlvDq8ikWAM');
    await expect(users.setSelectedVoice(user.id, 'not a voice; drop table')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await users.getById(user.id)).selectedVoiceId).toBe('21m00Tcm4TlvDq8ikWAM');
  });
});

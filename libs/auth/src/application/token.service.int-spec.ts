import type { TestingModule } from '@nestjs/testing';
import { DomainError } from '@genbot/core';
import { createIntegrationModule, uniqueTelegramId } from '@genbot/testing';
import { AuthModule } from '../auth.module';
import { TokenService } from './token.service';

describe('TokenService against PostgreSQL and Redis', () => {
  let moduleRef: TestingModule;
  let tokens: TokenService;

  beforeAll(async () => {
    moduleRef = await createIntegrationModule([AuthModule], { JWT_SECRET: 't'.repeat(40) });
    tokens = moduleRef.get(TokenService);
  });
  afterAll(() => moduleRef.close());

  const codeOf = (outcome: PromiseSettledResult<unknown>) => (outcome.status === 'rejected' ? (outcome.reason as DomainError).code : 'ok');

  it('lets exactly one of ten simultaneous presentations of a refresh token rotate it; the rest are reuse and end the session', async () => {
    const subject = { kind: 'user' as const, telegramId: String(uniqueTelegramId()) };
    const session = await tokens.issue(subject);
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => tokens.rotate(session.refreshToken, 'user')));
    expect(outcomes.map(codeOf).sort()).toEqual(['AUTH_REFRESH_REUSED', ...Array(8).fill('AUTH_REFRESH_REUSED'), 'ok'].sort());
    const winner = outcomes.find((outcome) => outcome.status === 'fulfilled') as PromiseFulfilledResult<Awaited<ReturnType<TokenService['rotate']>>>;
    // The one that won holds a session that has ended meanwhile.
    await expect(tokens.verifyAccess(winner.value.session.accessToken, 'user')).rejects.toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
    await expect(tokens.rotate(winner.value.session.refreshToken, 'user')).rejects.toMatchObject({ code: 'AUTH_REFRESH_REUSED' });
  });

  it('keeps kinds apart: an admin refresh token does not rotate as a user one, nor an access token verify as the other kind', async () => {
    const admin = await tokens.issue({ kind: 'admin', telegramId: String(uniqueTelegramId()) }, { firstName: 'Ops' });
    await expect(tokens.rotate(admin.refreshToken, 'user')).rejects.toMatchObject({ code: 'AUTH_REFRESH_INVALID' });
    await expect(tokens.verifyAccess(admin.accessToken, 'user')).rejects.toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
    // The failed attempt consumed nothing: the admin still rotates.
    const rotated = await tokens.rotate(admin.refreshToken, 'admin');
    expect(rotated.profile).toEqual({ firstName: 'Ops' });
    expect(await tokens.verifyAccess(rotated.session.accessToken, 'admin')).toMatchObject({ kind: 'admin', profile: { firstName: 'Ops' } });
  });

  it("ends every session of a subject at once (an admin removed), leaving others' alone", async () => {
    const subject = { kind: 'admin' as const, telegramId: String(uniqueTelegramId()) };
    const [one, two] = [await tokens.issue(subject), await tokens.issue(subject)];
    const other = await tokens.issue({ kind: 'admin', telegramId: String(uniqueTelegramId()) });
    await tokens.revokeSubject(subject, 'removed');
    for (const session of [one, two]) {
      await expect(tokens.verifyAccess(session.accessToken, 'admin')).rejects.toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
      await expect(tokens.rotate(session.refreshToken, 'admin')).rejects.toMatchObject({ code: 'AUTH_REFRESH_INVALID' });
    }
    await tokens.verifyAccess(other.accessToken, 'admin');
  });
});

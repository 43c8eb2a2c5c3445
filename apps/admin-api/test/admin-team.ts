import type request from 'supertest';
import { signLoginWidget } from '@genbot/testing';

type Http = ReturnType<typeof request>;
export type TeamRole = 'owner' | 'support' | 'admin';

/** Signs `telegramId` in through the Login Widget, as the panel does; the access token. */
export async function signIn(http: Http, botToken: string, telegramId: number): Promise<string> {
  const res = await http
    .post('/api/v1/admin/auth/login')
    .send(signLoginWidget(botToken, { id: telegramId, first_name: 'Ops' }))
    .expect(200);
  return res.body.accessToken as string;
}

/**
 * A team of three: the owner (one of ADMIN_TELEGRAM_IDS) signs in and adds a support and an admin
 * through the API, who then sign in too. Each role's access token.
 */
export async function signInTeam(http: Http, botToken: string, ids: Record<TeamRole, number>): Promise<Record<TeamRole, string>> {
  const owner = await signIn(http, botToken, ids.owner);
  const tokens = { owner, support: '', admin: '' };
  for (const role of ['support', 'admin'] as const) {
    await http
      .post('/api/v1/admin/admins')
      .set('Authorization', `Bearer ${owner}`)
      .send({ telegramId: String(ids[role]), role })
      .expect(201);
    tokens[role] = await signIn(http, botToken, ids[role]);
  }
  return tokens;
}

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { testConfig } from '@genbot/testing';
import { bootstrapAdminApi } from '../src/bootstrap';

const BOT_TOKEN = '5559876543:AAH-admin-api-test-token_000000000';
const SECRET = 'jwt-secret-'.padEnd(40, 'x');
const ADMIN_ID = '424243';
const CLAIMS = { sub: ADMIN_ID, kind: 'admin', sid: '00000000-0000-4000-8000-00000000a11a', name: 'Ops' };

/** A token signed with our secret, so only the claim or header under test makes it wrong. */
function sign(options: jwt.SignOptions, claims: object = CLAIMS, secret = SECRET): string {
  return jwt.sign(claims, secret, options);
}

function unsigned(claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ ...claims, iss: 'genbot-admin', aud: 'genbot-admin-api', exp: Math.floor(Date.now() / 1000) + 600 })}.`;
}

describe('admin-api: what a bearer token must carry', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  const valid: jwt.SignOptions = { algorithm: 'HS256', issuer: 'genbot-admin', audience: 'genbot-admin-api', expiresIn: 600 };

  beforeAll(async () => {
    app = await bootstrapAdminApi(testConfig({ BOT_TOKEN, ADMIN_TELEGRAM_IDS: ADMIN_ID, JWT_SECRET: SECRET }), { port: 0 });
    http = request(app.getHttpServer());
  });
  afterAll(() => app.close());

  const me = (token: string) => http.get('/api/v1/admin/auth/me').set('Authorization', `Bearer ${token}`);

  it('accepts a token with our algorithm, issuer, audience and an expiry', async () => {
    expect((await me(sign(valid)).expect(200)).body.telegramId).toBe(ADMIN_ID);
  });

  it.each([
    ['without exp', { algorithm: 'HS256', issuer: 'genbot-admin', audience: 'genbot-admin-api' }],
    ['already expired', { ...valid, expiresIn: -10 }],
    ['signed with HS512', { ...valid, algorithm: 'HS512' }],
    ['from another issuer', { ...valid, issuer: 'someone-else' }],
    ['without an issuer', { algorithm: 'HS256', audience: 'genbot-admin-api', expiresIn: 600 }],
    ['for another audience', { ...valid, audience: 'genbot-public-api' }],
    ['without an audience', { algorithm: 'HS256', issuer: 'genbot-admin', expiresIn: 600 }],
  ] as [string, jwt.SignOptions][])('refuses a token %s with 401', async (_, options) => {
    expect((await me(sign(options)).expect(401)).body.code).toBe('AUTH_TOKEN_INVALID');
  });

  it('refuses an unsigned (alg none) token and one signed with another secret', async () => {
    expect((await me(unsigned(CLAIMS)).expect(401)).body.code).toBe('AUTH_TOKEN_INVALID');
    expect((await me(sign(valid, CLAIMS, 'another-secret-'.padEnd(40, 'y'))).expect(401)).body.code).toBe('AUTH_TOKEN_INVALID');
  });

  it('refuses a token whose lifetime is longer than the longest access token we issue (60 min)', async () => {
    expect((await me(sign({ ...valid, expiresIn: 10 * 365 * 86_400 })).expect(401)).body.code).toBe('AUTH_TOKEN_INVALID');
  });

  it('refuses a well-signed token that is not an admin session token', async () => {
    expect((await me(sign(valid, { ...CLAIMS, kind: 'user' })).expect(401)).body.code).toBe('AUTH_TOKEN_INVALID');
    expect((await me(sign(valid, { sub: ADMIN_ID, kind: 'admin' })).expect(401)).body.code).toBe('AUTH_TOKEN_INVALID');
  });
});

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { testConfig } from '@genbot/testing';
import { bootstrapAdminApi } from '../src/bootstrap';

const PANEL = 'https://ops.example.com';

describe('admin-api at the edge', () => {
  const boot = (env: Record<string, string>) =>
    bootstrapAdminApi(testConfig({ JWT_SECRET: 'x'.repeat(40), MINI_APP_URL: 'https://mini.example.com', ...env }), { port: 0 });
  const preflight = (http: ReturnType<typeof request>, origin: string) =>
    http
      .options('/api/v1/admin/auth/me')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');

  it('allows no cross-origin caller by default (the panel is served by admin-api itself), not even the Mini App', async () => {
    const app: NestFastifyApplication = await boot({});
    try {
      const res = await preflight(request(app.getHttpServer()), 'https://mini.example.com');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it('allows the panel origin from ADMIN_CORS_ORIGINS, and limits anonymous logins per IP', async () => {
    const app: NestFastifyApplication = await boot({ ADMIN_CORS_ORIGINS: PANEL, TRUST_PROXY: '1', RATE_LIMIT_IP_RPS: '0.001', RATE_LIMIT_IP_BURST: '2' });
    try {
      const http = request(app.getHttpServer());
      const res = await preflight(http, PANEL).expect(204);
      expect(res.headers['access-control-allow-origin']).toBe(PANEL);
      expect(res.headers['access-control-allow-headers']).toMatch(/authorization/i);
      // Its own documentation range (public-api's edge test draws from 198.51.100.0/24), so the two never share a bucket.
      const client = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
      const login = () => http.post('/api/v1/admin/auth/login').set('X-Forwarded-For', client).send({ id: 'x' });
      await login().expect(400);
      await login().expect(400);
      expect((await login().expect(429)).body.code).toBe('RATE_LIMITED');
    } finally {
      await app.close();
    }
  });
});

import request from 'supertest';
import { testConfig } from '@genbot/testing';
import { bootstrapWorker } from '../src/bootstrap';

describe('worker: boots against PostgreSQL and Redis', () => {
  it('reports liveness and readiness, and shuts down cleanly', async () => {
    const app = await bootstrapWorker(testConfig(), { port: 0 });
    const http = request(app.getHttpServer());
    expect((await http.get('/health').expect(200)).text).toBe('OK');
    expect((await http.get('/health/ready').expect(200)).body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
    await app.close();
  });
});

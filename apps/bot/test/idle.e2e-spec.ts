import request from 'supertest';
import { testConfig } from '@genbot/testing';
import { bootstrapBot } from '../src/bootstrap';

describe('bot without BOT_TOKEN', () => {
  it('stays up, idle, serving health only', async () => {
    const app = await bootstrapBot(testConfig(), { port: 0 });
    const http = request(app.getHttpServer());
    expect((await http.get('/health').expect(200)).text).toBe('OK');
    await http.post('/telegram/webhook').send({ update_id: 1 }).expect(404);
    await app.close();
  });
});

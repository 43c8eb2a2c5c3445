import { PassThrough } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { TEST_API_KEY, testConfig } from '@genbot/testing';
import { bootstrapPublicApi } from '../src/bootstrap';

describe('public-api access logs', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  const lines: string[] = [];

  beforeAll(async () => {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    app = await bootstrapPublicApi(testConfig({ LOG_LEVEL: 'info', FILE_URL_SECRET: 'f'.repeat(40) }).logTo(stream), { port: 0 });
    http = request(app.getHttpServer());
  });
  afterAll(() => app.close());

  const logFor = (requestId: string) => lines.filter((line) => line.includes(requestId)).join('\n');

  it("keeps signed URLs' signatures and credentials out of the request log", async () => {
    const requestId = `log-test-${Date.now()}`;
    const url =
      '/files/u/1/a.png?expires=1700000000&sig=SECRET-SIG-1&Signature=SECRET-SIG-2&token=SECRET-TOKEN&X-Amz-Signature=SECRET-AMZ&X-Amz-Credential=AKIA-SECRET%2F20250101&keep=visible';
    await http.get(url).set('X-Request-ID', requestId).set('Authorization', 'Bearer SECRET-BEARER').set('X-API-Key', TEST_API_KEY);
    const logged = logFor(requestId);
    expect(logged).toContain(
      '"url":"/files/u/1/a.png?expires=1700000000&sig=[REDACTED]&Signature=[REDACTED]&token=[REDACTED]&X-Amz-Signature=[REDACTED]&X-Amz-Credential=[REDACTED]&keep=visible"',
    );
    for (const secret of ['SECRET-SIG-1', 'SECRET-SIG-2', 'SECRET-TOKEN', 'SECRET-AMZ', 'AKIA-SECRET', 'SECRET-BEARER', TEST_API_KEY])
      expect(logged).not.toContain(secret);
  });

  it('logs the request it redacts: method, status and id stay readable', async () => {
    const requestId = `log-test-info-${Date.now()}`;
    await http.get('/api/v1/info?sig=abc').set('X-Request-ID', requestId).expect(200);
    const entry = JSON.parse(lines.find((line) => line.includes(requestId) && line.includes('"res"'))!);
    expect(entry).toMatchObject({ req: { id: requestId, method: 'GET', url: '/api/v1/info?sig=[REDACTED]' }, res: { statusCode: 200 } });
  });
});

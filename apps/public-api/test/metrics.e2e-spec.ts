import { ALL_QUEUES } from '@genbot/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import request from 'supertest';
import { TEST_API_KEY, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapWorker } from '../../worker/src/bootstrap';
import { bootstrapPublicApi } from '../src/bootstrap';

const METRICS_TOKEN = 'metrics-e2e-token-0123456789';

/** Issue 11: GET /metrics on every app, in Prometheus text format, behind METRICS_TOKEN when set. */
describe('GET /metrics', () => {
  let api: NestFastifyApplication;
  let worker: NestFastifyApplication;

  beforeAll(async () => {
    const config = testConfig({ SERVICE_API_KEYS: `seedbot:${TEST_API_KEY}`, METRICS_TOKEN });
    api = await bootstrapPublicApi(config, { port: 0 });
    // A second app in the same process, as in `npm start`: its metrics must not collide with the first's.
    worker = await bootstrapWorker(config, { port: 0 });
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  const scrape = async (app: NestFastifyApplication) => {
    const res = await request(app.getHttpServer()).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return { text: res.text, families: new Map(parsePrometheusTextFormat(res.text).map((family) => [family.name, family])) };
  };

  it('refuses a scraper without the token', async () => {
    await request(api.getHttpServer()).get('/metrics').expect(401);
    await request(api.getHttpServer()).get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789').expect(401);
  });

  it('reports latency by route pattern and status, ledger transfers by kind, queue depths and the domain counters', async () => {
    const http = request(api.getHttpServer());
    const registered = await http
      .post('/api/v1/users/register-or-login')
      .set('X-API-Key', TEST_API_KEY)
      .send({ telegramId: String(uniqueTelegramId()) })
      .expect(200);
    const userId = registered.body.id as string;
    await http.post('/api/v1/credits/add').set('X-API-Key', TEST_API_KEY).send({ userId, amount: 50, reason: 'metrics_e2e' }).expect(200);
    for (let i = 0; i < 3; i++) await http.get(`/api/v1/users/${userId}/balance`).set('X-API-Key', TEST_API_KEY).expect(200);
    await http.get('/no/such/route/12345').expect(404);

    const { families, text } = await scrape(api);
    const latency = families.get('genbot_http_request_duration_seconds');
    expect(latency?.type).toBe('HISTOGRAM');
    expect(latency?.type).toBe('HISTOGRAM');
    // The parser folds a labelled histogram's series into one, so the per-route counts are read from the _count lines.
    const counts = histogramCounts(text, 'genbot_http_request_duration_seconds');
    expect(counts.get('GET /api/v1/users/:id/balance 200')).toBe(3);
    expect(counts.get('POST /api/v1/credits/add 200')).toBe(1);
    // Raw URLs never become label values: an unknown path is 'unmatched', and no user id appears.
    expect(counts.get('GET unmatched 404')).toBe(1);
    expect([...counts.keys()].some((key) => key.includes(userId) || key.includes('12345'))).toBe(false);

    const transfers = families.get('genbot_ledger_transfers_total');
    expect(transfers?.type).toBe('COUNTER');
    expect(Number(transfers?.metrics.find((m) => m.labels?.kind === 'admin_adjustment')?.value)).toBeGreaterThanOrEqual(1);

    const depths = families.get('genbot_queue_jobs');
    expect(depths?.type).toBe('GAUGE');
    expect(new Set(depths?.metrics.map((m) => m.labels?.queue))).toEqual(new Set(ALL_QUEUES));

    for (const name of ['genbot_generations_total', 'genbot_payments_total', 'genbot_bot_updates_total', 'genbot_telegram_api_errors_total'])
      expect(families.get(name)?.type).toBe('COUNTER');
  });

  it('is served by the worker too, labelled with its own app', async () => {
    const { families } = await scrape(worker);
    expect(families.get('genbot_queue_jobs')?.metrics[0]?.labels?.app).toBe('worker');
    expect(families.get('genbot_process_resident_memory_bytes')).toBeDefined();
  });
});

/** `method route status` → the histogram's count, from its `_count` series. */
function histogramCounts(text: string, name: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [, labels, value] of text.matchAll(new RegExp(`^${name}_count\\{(.*)\\} (\\S+)$`, 'gm'))) {
    const label = (key: string) => new RegExp(`${key}="([^"]*)"`).exec(labels)?.[1];
    counts.set(`${label('method')} ${label('route')} ${label('status')}`, Number(value));
  }
  return counts;
}

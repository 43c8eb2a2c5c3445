import { IncomingMessage, ServerResponse } from 'node:http';
// libs/testing's index does not export the loopback server; reach the file directly.
import { LoopbackServer, readBody, sendJson } from '@genbot/testing';
import { ProviderError } from '../../application/ports/generation-provider';
import { callProvider, providerErrorFor, retryAfterSeconds } from './provider-http';

describe('provider-http', () => {
  describe('callProvider against a loopback server', () => {
    let handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
    const server = new LoopbackServer((req, res) => void handler(req, res));
    const call = (overrides: Partial<Parameters<typeof callProvider>[0]> = {}) =>
      callProvider({
        url: `${server.baseUrl}/v1/run`,
        method: 'GET',
        headers: { accept: 'application/json' },
        timeoutMs: 2000,
        what: 'test: GET /v1/run',
        ...overrides,
      });

    beforeAll(() => server.listen());
    afterAll(() => server.close());

    it('sends a JSON body with its content type and reads any status, its JSON and Retry-After', async () => {
      let received: { method?: string; contentType?: string; body?: unknown } = {};
      handler = async (req, res) => {
        received = { method: req.method, contentType: req.headers['content-type'], body: JSON.parse((await readBody(req)).toString('utf8')) };
        sendJson(res, 429, { error: 'slow down' }, { 'retry-after': '7' });
      };

      const answer = await call({ method: 'POST', body: { prompt: 'a fox' } });

      expect(received).toEqual({ method: 'POST', contentType: 'application/json', body: { prompt: 'a fox' } });
      expect(answer).toMatchObject({ status: 429, ok: false, json: { error: 'slow down' }, retryAfter: '7', contentType: 'application/json' });
    });

    it('keeps a body that is not a JSON object as text and bytes only', async () => {
      handler = (_req, res) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<h1>Bad gateway</h1>');
      };

      const answer = await call();

      expect(answer).toMatchObject({ status: 502, ok: false, statusText: 'Bad Gateway', text: '<h1>Bad gateway</h1>', json: undefined, retryAfter: null });
      expect(answer.bytes.toString('utf8')).toBe('<h1>Bad gateway</h1>');
    });

    it('turns a timeout into a transient ProviderError naming the call', async () => {
      handler = () => undefined; // never answers

      const error = await call({ timeoutMs: 100 }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ kind: 'transient' });
      expect((error as Error).message).toBe('test: GET /v1/run timed out after 100 ms');
    });

    it('turns a refused connection into a transient ProviderError', async () => {
      const closed = new LoopbackServer(() => undefined);
      await closed.listen();
      const url = `${closed.baseUrl}/v1/run`;
      await closed.close();

      const error = await call({ url }).catch((e: unknown) => e);

      expect(error).toMatchObject({ kind: 'transient' });
      expect((error as Error).message).toMatch(/^test: GET \/v1\/run failed: /);
    });
  });

  describe('providerErrorFor', () => {
    const kindOf = (status: number, options: { outOfBalance?: boolean } = {}) =>
      providerErrorFor(status, 'm', null, { defaultRetrySeconds: 10, ...options }).kind;

    it.each([
      [402, 'insufficient_balance'],
      [401, 'unavailable'],
      [403, 'unavailable'],
      [429, 'rate_limited'],
      [408, 'transient'],
      [500, 'transient'],
      [503, 'transient'],
      [400, 'rejected'],
      [404, 'rejected'],
      [422, 'rejected'],
    ])('maps %i to %s', (status, kind) => {
      expect(kindOf(status)).toBe(kind);
    });

    it('lets the adapter call any status an empty account', () => {
      expect(kindOf(403, { outOfBalance: true })).toBe('insufficient_balance');
      expect(kindOf(400, { outOfBalance: true })).toBe('insufficient_balance');
    });

    it('waits Retry-After on a 429, or the default without a usable one', () => {
      expect(providerErrorFor(429, 'm', '3', { defaultRetrySeconds: 10 }).retryAfterSeconds).toBe(3);
      expect(providerErrorFor(429, 'm', null, { defaultRetrySeconds: 10 }).retryAfterSeconds).toBe(10);
      expect(providerErrorFor(429, 'm', 'soon', { defaultRetrySeconds: 5 }).retryAfterSeconds).toBe(5);
      expect(providerErrorFor(500, 'm', '3', { defaultRetrySeconds: 10 }).retryAfterSeconds).toBeUndefined();
    });
  });

  describe('retryAfterSeconds', () => {
    it('reads seconds, rounding up to at least 1', () => {
      expect(retryAfterSeconds('7')).toBe(7);
      expect(retryAfterSeconds('2.1')).toBe(3);
      expect(retryAfterSeconds('0')).toBe(1);
    });

    it('reads an HTTP date as the seconds until then, at least 1', () => {
      jest.useFakeTimers({ now: new Date('2025-01-01T00:00:00Z') });
      try {
        expect(retryAfterSeconds('Wed, 01 Jan 2025 00:00:30 GMT')).toBe(30);
        expect(retryAfterSeconds('Tue, 31 Dec 2024 23:00:00 GMT')).toBe(1);
      } finally {
        jest.useRealTimers();
      }
    });

    it('is undefined without a header or with one it cannot read', () => {
      expect(retryAfterSeconds(null)).toBeUndefined();
      expect(retryAfterSeconds('')).toBeUndefined();
      expect(retryAfterSeconds('later')).toBeUndefined();
    });
  });
});

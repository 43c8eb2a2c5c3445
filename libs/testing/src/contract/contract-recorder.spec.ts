import Fastify from 'fastify';
import { ContractRecorder } from './contract-recorder';
import { OpenApiContract } from './openapi-contract';

describe('ContractRecorder', () => {
  const contract = OpenApiContract.seed001();
  const user = { id: '8d0f6c1e-2a53-4c1b-9b0e-4f5b3f1f9a10', telegramId: '42', consentPd: false };

  it('checks the responses of every Fastify app created while it runs, and of no other', async () => {
    const recorder = new ContractRecorder(contract).start();
    const watched = Fastify();
    recorder.stop();
    const unwatched = Fastify();
    for (const app of [watched, unwatched]) {
      app.get('/api/v1/users/:userId', async (request) => ((request.params as { userId: string }).userId === 'bad' ? { ...user, email: null } : user));
      app.get('/api/v1/users/:userId/balance', async (_request, reply) => reply.code(404).send({ error: 'no' }));
      app.get('/health', async () => ({ email: null }));
    }
    try {
      for (const app of [watched, unwatched]) {
        for (const url of ['/api/v1/users/good', '/api/v1/users/bad', '/api/v1/users/x/balance', '/health', '/nowhere'])
          await app.inject({ method: 'GET', url });
      }
      expect(recorder.checked).toBe(3);
      expect(recorder.violations.map((v) => [v.request, v.status, v.problems])).toEqual([
        ['GET /api/v1/users/bad', 200, ['/email must be string']],
        ['GET /api/v1/users/x/balance', 404, ["(body) must have required property 'code'", "(body) must have required property 'message'"]],
      ]);
      expect(recorder.report('seed 001')).toMatch(
        /^2 response\(s\) broke seed 001:\n {2}GET \/api\/v1\/users\/:userId → 200\n {6}\/email must be string\n {6}e\.g\. GET \/api\/v1\/users\/bad: \{/,
      );
    } finally {
      await Promise.all([watched.close(), unwatched.close()]);
    }
  });

  it('reports nothing when every response keeps the contract', () => {
    expect(new ContractRecorder(contract).report('seed 001')).toBeUndefined();
  });
});

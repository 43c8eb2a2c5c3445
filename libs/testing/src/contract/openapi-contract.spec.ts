import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenApiContract } from './openapi-contract';
import { dedentKeysUnderScalars, findSeedFile, loadSeed001Spec, parseSeedOpenApi, seedDirCandidates } from './seed-spec';

const UUID = '8d0f6c1e-2a53-4c1b-9b0e-4f5b3f1f9a10';
const user = {
  id: UUID,
  telegramId: '42',
  balanceTokens: 0,
  refCode: 'k3m9x2pq',
  hasLeftReview: false,
  consentPd: false,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};
const json = 'application/json; charset=utf-8';

describe('seed 001 OpenAPI, read as its author meant it', () => {
  const spec = loadSeed001Spec();

  it('finds the seed beside the repository and parses the openapi block', () => {
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/v1/users/register-or-login', '/api/v1/jobs/{jobId}', '/api/v1/transactions']));
  });

  it('repairs slip 1: Job.status keeps its enum', () => {
    expect((spec.components.schemas.Job as { properties: Record<string, unknown> }).properties.status).toEqual({
      type: 'string',
      enum: ['waiting_payment', 'queued', 'processing', 'done', 'failed'],
    });
  });

  it('repairs slip 2: the second `schemas:` adds Error and loses nothing', () => {
    expect(Object.keys(spec.components.schemas)).toEqual(expect.arrayContaining(['User', 'Job', 'Transaction', 'Data', 'LotteryEntry', 'Error']));
    expect(spec.components.responses?.Error).toBeDefined();
  });

  it('dedents only a key written under a scalar', () => {
    expect(dedentKeysUnderScalars('a:\n  type: string\n    enum: [x]\n  b:\n    c: 1')).toBe('a:\n  type: string\n  enum: [x]\n  b:\n    c: 1');
  });

  it('refuses a document that is still broken after the repairs', () => {
    expect(() => parseSeedOpenApi('```yaml\nopenapi: 3.1.0\npaths: {}\npaths: {}\n```\n')).toThrow(/does not parse/);
    expect(() => parseSeedOpenApi('no spec here')).toThrow(/no `openapi:` YAML block/);
  });

  it('fails with the folders it tried when the seed is missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'seeds-'));
    try {
      expect(() => findSeedFile('001', [empty, join(empty, 'nope')])).toThrow(`Seed 001 not found: looked for 001_*.txt in ${empty}, ${join(empty, 'nope')}`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('looks in ../shared/seeds, and beside the main checkout from a git worktree', () => {
    const base = mkdtempSync(join(tmpdir(), 'layout-'));
    try {
      mkdirSync(join(base, 'main/.git/worktrees/w1'), { recursive: true });
      writeFileSync(join(base, 'main/.git/worktrees/w1/commondir'), '../..\n');
      mkdirSync(join(base, 'wt/w1'), { recursive: true });
      writeFileSync(join(base, 'wt/w1/.git'), `gitdir: ${join(base, 'main/.git/worktrees/w1')}\n`);
      expect(seedDirCandidates(join(base, 'main'))).toEqual([join(base, 'shared/seeds')]);
      expect(seedDirCandidates(join(base, 'wt/w1'))).toEqual([join(base, 'wt/shared/seeds'), join(base, 'shared/seeds')]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe('OpenApiContract for seed 001', () => {
  const contract = OpenApiContract.seed001();
  const check = (route: string, status: number, body: unknown, method = 'GET') =>
    contract.check({ method, route, status, contentType: json, body: JSON.stringify(body) });

  it('compiles every response schema of the spec', () => {
    expect(() => OpenApiContract.seed001().compileAll()).not.toThrow();
  });

  it('matches routes by method and template, whatever the parameter names', () => {
    expect(contract.covers('GET', '/api/v1/users/:userId')).toBe(true);
    expect(contract.covers('GET', '/api/v1/users/:id/balance')).toBe(true);
    expect(contract.covers('POST', '/api/v1/users/register-or-login')).toBe(true);
    expect(contract.covers('DELETE', '/api/v1/users/:userId')).toBe(false);
    expect(check('/api/v1/media/upload', 200, {})).toBeUndefined();
  });

  it('accepts a User with absent fields omitted', () => {
    expect(check('/api/v1/users/:userId', 200, user)).toEqual([]);
  });

  it('names every null, wrong type and wrong enum value', () => {
    expect(check('/api/v1/users/:userId', 200, { ...user, email: null, referrerId: null })).toEqual(['/email must be string', '/referrerId must be string']);
    expect(check('/api/v1/users/:userId', 200, { ...user, createdAt: 'yesterday' })).toEqual(['/createdAt must match format "date-time"']);
    expect(check('/api/v1/jobs/:jobId', 200, { id: UUID, status: 'running' })).toEqual([
      '/status must be equal to one of the allowed values (waiting_payment, queued, processing, done, failed)',
    ]);
    expect(check('/api/v1/transactions', 200, [{ id: UUID, jobId: null }])).toEqual(['/0/jobId must be string']);
  });

  it('checks errors against the Error schema and refuses an undeclared success status', () => {
    expect(check('/api/v1/users/:userId', 404, { code: 'USER_NOT_FOUND', message: 'User not found' })).toEqual([]);
    expect(check('/api/v1/users/:userId', 400, { error: 'Bad Request' })).toEqual([
      "(body) must have required property 'code'",
      "(body) must have required property 'message'",
    ]);
    expect(check('/api/v1/jobs', 200, user, 'POST')).toEqual(['status 200 is not declared (the spec has 201)']);
  });

  it('accepts any body where the spec declares none', () => {
    expect(contract.check({ method: 'POST', route: '/api/v1/webhooks/payments/:provider', status: 200, contentType: 'text/plain', body: 'ok' })).toEqual([]);
  });

  it('refuses a body that is not JSON where JSON is declared', () => {
    expect(contract.check({ method: 'GET', route: '/api/v1/users/:userId', status: 200, contentType: 'text/plain', body: 'hi' })).toEqual([
      'content-type text/plain is not JSON',
    ]);
  });
});

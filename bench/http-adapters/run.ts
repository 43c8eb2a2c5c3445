import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { AddressInfo } from 'node:net';
import { Body, Controller, Get, Header, HttpCode, INestApplication, Module, Post, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import autocannon from 'autocannon';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

/**
 * Fastify versus Express under Nest, framework layer only: the same module, pipe and payloads,
 * no database, no logger. Both apps run in this process one after the other; autocannon runs in
 * a worker thread so the load generator does not share the server's event loop.
 */

const WARMUP_SECONDS = 2;
const RUN_SECONDS = 10;
const CONNECTIONS = [10, 50];
const REGISTER_BODY = JSON.stringify({ telegramId: '123456789', username: 'alice' });

class RegisterOrLoginDto {
  @IsString()
  @Matches(/^[1-9]\d{0,18}$/)
  telegramId: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  username?: string;
}

const CREATED_AT = new Date('2025-01-01T00:00:00.000Z').toISOString();

@Controller()
class BenchController {
  @Get('health')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  health(): string {
    return 'ok';
  }

  @Post('api/v1/users/register-or-login')
  @HttpCode(200)
  registerOrLogin(@Body() body: RegisterOrLoginDto) {
    // Same shape as the public API's ServiceUserDto, so serialisation costs what it does there.
    return {
      id: '8d0f6c1e-2a53-4c1b-9b0e-4f5b3f1f9a10',
      telegramId: body.telegramId,
      username: body.username ?? null,
      anonUserId: null,
      email: null,
      avatarUrl: null,
      refCode: 'k3m9x2pq',
      referrerId: null,
      consentPd: false,
      createdAt: CREATED_AT,
      updatedAt: CREATED_AT,
    };
  }
}

@Module({ controllers: [BenchController] })
class BenchModule {}

type AdapterName = 'fastify' | 'express';

interface Route {
  name: string;
  path: string;
  method: 'GET' | 'POST';
  body?: string;
}

const ROUTES: Route[] = [
  { name: 'GET /health', path: '/health', method: 'GET' },
  { name: 'POST register-or-login', path: '/api/v1/users/register-or-login', method: 'POST', body: REGISTER_BODY },
];

interface Row {
  adapter: AdapterName;
  route: string;
  connections: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  requests: number;
  failures: number;
}

async function startApp(adapter: AdapterName): Promise<{ app: INestApplication; baseUrl: string }> {
  const httpAdapter = adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(BenchModule, httpAdapter, { logger: false });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}` };
}

/** Fails before any load if an adapter answers differently, so the figures compare like with like. */
async function checkResponses(adapter: AdapterName, baseUrl: string): Promise<void> {
  const health = await fetch(`${baseUrl}/health`);
  const healthText = await health.text();
  const json = { 'Content-Type': 'application/json' };
  const ok = await fetch(`${baseUrl}/api/v1/users/register-or-login`, { method: 'POST', headers: json, body: REGISTER_BODY });
  const okBody = (await ok.json()) as Record<string, unknown>;
  const rejected = await fetch(`${baseUrl}/api/v1/users/register-or-login`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ telegramId: 'x', extra: 1 }),
  });
  await rejected.text();
  const problems = [
    health.status !== 200 || healthText !== 'ok' ? `GET /health gave ${health.status} ${healthText}` : '',
    ok.status !== 200 || Object.keys(okBody).length !== 11 || okBody.telegramId !== '123456789'
      ? `register-or-login gave ${ok.status} ${JSON.stringify(okBody)}`
      : '',
    rejected.status !== 400 ? `an invalid body gave ${rejected.status}, not 400` : '',
  ].filter(Boolean);
  if (problems.length) throw new Error(`${adapter}: ${problems.join('; ')}`);
}

function fire(baseUrl: string, route: Route, connections: number, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: `${baseUrl}${route.path}`,
    method: route.method,
    headers: route.body ? { 'content-type': 'application/json' } : {},
    body: route.body,
    connections,
    duration: seconds,
    workers: 1,
  });
}

async function benchAdapter(adapter: AdapterName): Promise<Row[]> {
  const { app, baseUrl } = await startApp(adapter);
  const rows: Row[] = [];
  try {
    await checkResponses(adapter, baseUrl);
    for (const route of ROUTES) {
      for (const connections of CONNECTIONS) {
        await fire(baseUrl, route, connections, WARMUP_SECONDS);
        const result = await fire(baseUrl, route, connections, RUN_SECONDS);
        const row: Row = {
          adapter,
          route: route.name,
          connections,
          reqPerSec: result.requests.mean,
          p50: result.latency.p50,
          p99: result.latency.p99,
          requests: result.requests.total,
          failures: result.errors + result.timeouts + result.non2xx,
        };
        rows.push(row);
        process.stdout.write(`  ${adapter} ${route.name} c=${connections}: ${Math.round(row.reqPerSec)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms\n`);
      }
    }
  } finally {
    await app.close();
  }
  return rows;
}

function versionOf(pkg: string, from = process.cwd()): string {
  const entry = require.resolve(pkg, { paths: [from] });
  let dir = dirname(entry);
  while (dir !== dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version: string };
      if (manifest.name === pkg) return manifest.version;
    } catch {
      // no package.json at this level; keep climbing
    }
    dir = dirname(dir);
  }
  return '?';
}

function table(header: string[], lines: (string | number)[][]): string {
  const out = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const line of lines) out.push(`| ${line.join(' | ')} |`);
  return out.join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  const fastifyDir = dirname(require.resolve('@nestjs/platform-fastify/package.json'));
  const expressDir = dirname(require.resolve('@nestjs/platform-express/package.json'));
  const env = [
    `date ${new Date().toISOString()}`,
    `node ${process.version}`,
    `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown cpu'}`,
    `@nestjs/core ${versionOf('@nestjs/core')}`,
    `@nestjs/platform-fastify ${versionOf('@nestjs/platform-fastify')} (fastify ${versionOf('fastify', fastifyDir)})`,
    `@nestjs/platform-express ${versionOf('@nestjs/platform-express')} (express ${versionOf('express', expressDir)})`,
    `autocannon ${versionOf('autocannon')}`,
  ];
  process.stdout.write(`${env.join('\n')}\n${WARMUP_SECONDS} s warm-up + ${RUN_SECONDS} s per run, connections ${CONNECTIONS.join(' and ')}, loopback\n\n`);

  const rows: Row[] = [];
  for (const adapter of ['fastify', 'express'] as const) rows.push(...(await benchAdapter(adapter)));

  const fixed = (n: number, digits = 0) => n.toFixed(digits);
  process.stdout.write(
    `\n${table(
      ['adapter', 'route', 'connections', 'req/s (mean)', 'p50 ms', 'p99 ms', 'requests', 'errors+non-2xx'],
      rows.map((r) => [r.adapter, r.route, r.connections, fixed(r.reqPerSec), r.p50, r.p99, r.requests, r.failures]),
    )}\n\n`,
  );

  const ratios = ROUTES.flatMap((route) =>
    CONNECTIONS.map((connections) => {
      const pick = (adapter: AdapterName) => rows.find((r) => r.adapter === adapter && r.route === route.name && r.connections === connections)!;
      const f = pick('fastify');
      const e = pick('express');
      // autocannon records latency in whole milliseconds: a 0 ms percentile has no meaningful ratio.
      const ratio = (a: number, b: number) => (a > 0 && b > 0 ? fixed(a / b, 2) : 'n/a');
      return [route.name, connections, ratio(f.reqPerSec, e.reqPerSec), ratio(f.p50, e.p50), ratio(f.p99, e.p99)];
    }),
  );
  process.stdout.write(`${table(['route', 'connections', 'req/s fastify/express', 'p50 fastify/express', 'p99 fastify/express'], ratios)}\n`);
  process.stdout.write('latencies are whole milliseconds as autocannon records them: 0 means under 1 ms\n');
  process.stdout.write(`\ntotal ${fixed((Date.now() - started) / 1000, 1)} s\n`);

  if (rows.some((r) => r.failures > 0)) {
    process.stderr.write('some runs had errors or non-2xx answers: the figures above are not comparable\n');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

/**
 * `npm run bench:broadcast`: broadcasts through two real worker processes (the production
 * `apps/worker/src/main.ts`) against the fake Bot API on loopback. Prints, per scenario, the
 * sustained send rate against the configured one and the number of chats messaged twice (must be 0).
 * See README.md for the method.
 */
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BroadcastsModule, BroadcastsService } from '@genbot/broadcasts';
import { AppConfig, CoreModule, SettingsService, runMigrations } from '@genbot/core';
import { MIGRATIONS } from '@genbot/migrations';
import { AppProcess, FakeTelegramApi, eventually } from '@genbot/testing';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/genbot_bench_broadcast';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/13';
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
/** Seconds each rate-limited scenario should last at its configured rate. */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CEILING_USERS = Number(process.env.BENCH_CEILING_USERS ?? 30_000);
/** The settings cache in each worker lives 5 s; a changed rate is waited out. */
const SETTINGS_CACHE_MS = 5500;

interface Scenario {
  name: string;
  users: number;
  paid: boolean;
  /** The configured rate (messages/s); undefined: the limiter is set out of reach. */
  rate?: number;
}

async function main(): Promise<void> {
  await runMigrations(DATABASE_URL, MIGRATIONS);
  const telegram = await FakeTelegramApi.start();
  const config = AppConfig.load(
    { NODE_ENV: 'production', LOG_LEVEL: 'error', DATABASE_URL, REDIS_URL, BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot },
    { readDotenv: false, source: {} },
  );
  @Module({ imports: [CoreModule.forRoot(config, 'admin-api'), BroadcastsModule] })
  class BenchModule {}
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error'] });
  const broadcasts = app.get(BroadcastsService);
  const settings = app.get(SettingsService);
  const db = app.get(DataSource);

  const scenarios: Scenario[] = [
    { name: 'free rate 30/s', users: 30 * SECONDS, paid: false, rate: 30 },
    { name: 'paid rate 1000/s', users: 1000 * SECONDS, paid: true, rate: 1000 },
    { name: 'ceiling (limiter out of reach)', users: CEILING_USERS, paid: true },
  ];
  await settings.set({ broadcast_rate_per_second: 30, broadcast_paid_rate_per_second: 1000 });
  const env = { DATABASE_URL, REDIS_URL, BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, DATABASE_POOL_SIZE: '10', LOG_LEVEL: 'error' };
  const workers: AppProcess[] = [];
  for (let i = 0; i < WORKERS; i++) workers.push(await AppProcess.start({ name: 'worker', main: 'apps/worker/src/main.ts', portVariable: 'WORKER_PORT' }, env));
  console.log(`broadcast bench: ${WORKERS} worker processes, fake Bot API on loopback, ${new Date().toISOString()}`);
  try {
    for (const scenario of scenarios) {
      if (!scenario.rate) {
        await settings.set({ broadcast_paid_rate_per_second: 10_000_000 });
        await new Promise((resolve) => setTimeout(resolve, SETTINGS_CACHE_MS));
      }
      telegram.reset();
      const source = `bench-${randomUUID().slice(0, 8)}`;
      await db.query(
        `INSERT INTO users (telegram_id, referral_code, advertising_source)
         SELECT 900000000000 + (random() * 99999999999)::bigint, 'x' || substr(md5(random()::text), 1, 14), $2 FROM generate_series(1, $1)
         ON CONFLICT DO NOTHING`,
        [scenario.users, source],
      );
      const cpuBefore = await workersCpuSeconds(workers);
      const { publicId } = await broadcasts.create({ text: `bench ${scenario.name}`, filter: { kind: 'source', source }, allowPaidBroadcast: scenario.paid });
      await broadcasts.start(publicId);
      const final = await eventually(
        () => broadcasts.get(publicId),
        (b) => b.status === 'completed',
        600_000,
        250,
      );
      const cpuMsPerThousand = (((await workersCpuSeconds(workers)) - cpuBefore) * 1000 * 1000) / final.total;
      const times = telegram
        .calls('sendMessage')
        .filter((c) => c.response.ok)
        .map((c) => c.at.getTime())
        .sort((x, y) => x - y);
      // The middle 80 %: the steady state, without the start (expansion, lanes opening) and the tail.
      const lo = Math.floor(times.length * 0.1);
      const hi = Math.floor(times.length * 0.9);
      const sustained = (hi - lo) / ((times[hi] - times[lo]) / 1000);
      const whole = times.length / ((times.at(-1)! - times[0]) / 1000);
      const duplicates = [...telegram.deliveredCounts().values()].filter((n) => n > 1).length;
      const ofRate = scenario.rate ? ` = ${((sustained / scenario.rate) * 100).toFixed(1)} % of ${scenario.rate}/s` : '';
      console.log(
        `${scenario.name.padEnd(32)} recipients ${final.total}, sent ${final.sent}, failed ${final.failed}; sustained ${sustained.toFixed(0)} msg/s${ofRate}; ` +
          `whole run ${whole.toFixed(0)} msg/s; worker CPU ${cpuMsPerThousand.toFixed(0)} ms per 1000 messages; chats messaged twice: ${duplicates}`,
      );
    }
  } finally {
    for (const worker of workers) await worker.stop();
    await app.close();
    await telegram.close();
  }
}

/**
 * CPU seconds (user + system) the worker processes have used, from their own /metrics: per message,
 * a figure that depends far less on what else the shared machine runs than a rate does.
 */
async function workersCpuSeconds(workers: AppProcess[]): Promise<number> {
  let total = 0;
  for (const worker of workers) {
    const text = await (await fetch(`${worker.baseUrl}/metrics`)).text();
    total += Number(/^genbot_process_cpu_seconds_total(?:\{[^}]*\})? (\S+)$/m.exec(text)?.[1] ?? NaN);
  }
  return total;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

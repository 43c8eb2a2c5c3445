import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually, freePort } from '@genbot/testing';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * A real bot process (apps/bot's main, as `npm run start:bot` runs it, through ts-node so no build
 * is needed), configured only by its environment, that a test can SIGKILL mid-update.
 */
export class BotProcess {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  /** Starts a bot with `env` and waits until its /health answers. */
  static async start(env: Record<string, string>): Promise<BotProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', 'apps/bot/src/main.ts'], {
      cwd: ROOT,
      // Nothing from the shell: what the test passes is the whole config.
      env: {
        PATH: process.env.PATH ?? '',
        TS_NODE_TRANSPILE_ONLY: 'true',
        NODE_ENV: 'test',
        LOG_LEVEL: 'error',
        HOST: '127.0.0.1',
        ...env,
        BOT_PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const bot = new BotProcess(child, port);
    try {
      await eventually(
        async () => {
          if (child.exitCode !== null) throw new Error(`bot exited with ${child.exitCode}: ${bot.output}`);
          return fetch(`${bot.baseUrl}/health`).then(
            (r) => r.ok,
            () => false,
          );
        },
        (up) => up,
        60_000,
        200,
      );
    } catch (error) {
      await bot.kill();
      throw error;
    }
    return bot;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What the process printed, for a failing test's message. */
  get log(): string {
    return this.output;
  }

  /** SIGKILL: no shutdown hooks, no lane handed back, no update finished. */
  kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    return exited;
  }

  /** A graceful stop, as an orchestrator would ask. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually, freePort } from './free-port';

const ROOT = join(__dirname, '..', '..', '..');

/** Which app a process runs: its main file and the variable that sets its port. */
export interface AppProcessKind {
  name: string;
  main: string;
  portVariable: string;
}

/**
 * A real app process (the app's main, as `npm run start:<app>` runs it, through ts-node so no
 * build is needed), configured only by its environment, that a crash test can SIGKILL mid-work.
 */
export class AppProcess {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  /** Starts the app with `env` (DATABASE_URL, REDIS_URL, …) and waits until its /health answers. */
  static async start(kind: AppProcessKind, env: Record<string, string>): Promise<AppProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', kind.main], {
      cwd: ROOT,
      // Nothing from the shell: what the test passes is the whole config.
      env: {
        PATH: process.env.PATH ?? '',
        TS_NODE_TRANSPILE_ONLY: 'true',
        NODE_ENV: 'test',
        LOG_LEVEL: 'error',
        HOST: '127.0.0.1',
        ...env,
        [kind.portVariable]: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new AppProcess(child, port);
    try {
      await eventually(
        async () => {
          if (child.exitCode !== null) throw new Error(`${kind.name} exited with ${child.exitCode}: ${app.output}`);
          return fetch(`${app.baseUrl}/health`).then(
            (r) => r.ok,
            () => false,
          );
        },
        (up) => up,
        60_000,
        200,
      );
    } catch (error) {
      await app.kill();
      throw error;
    }
    return app;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What the process printed, for a failing test's message. */
  get log(): string {
    return this.output;
  }

  /** SIGKILL: no shutdown hooks, no lock released, no job or update finished. */
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

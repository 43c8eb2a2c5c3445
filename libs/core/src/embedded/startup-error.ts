import { createServer } from 'node:net';
import { AppConfig, AppName, ConfigError } from '../config/app-config';

/**
 * A start-up failure the operator can fix: `main` prints the message alone (one line naming the
 * cause and the fix) and exits 1, like a ConfigError, never a stack or an unhandled event.
 */
export class StartupError extends ConfigError {
  constructor(message: string) {
    super(`Startup error: ${message.replace(/\s*\n\s*/g, ' ').trim()}`);
  }
}

/** `embedded PostgreSQL <cause>: <fix>, or set DATABASE_URL …`: one line, a cause and a way out. */
export function postgresFailure(cause: string, fix?: string): StartupError {
  return new StartupError(`embedded PostgreSQL ${cause}: ${fix ? `${fix}, or ` : ''}set DATABASE_URL to use a PostgreSQL of your own`);
}

const PORT_VARIABLES: Record<AppName, string> = { 'public-api': 'PUBLIC_API_PORT', 'admin-api': 'ADMIN_API_PORT', bot: 'BOT_PORT', worker: 'WORKER_PORT' };

/** `PUBLIC_API_PORT=3000 is taken by another process: set PUBLIC_API_PORT`, for any app's port. */
export function portTakenError(app: AppName, config: AppConfig): StartupError {
  const variable = PORT_VARIABLES[app];
  return new StartupError(`${variable}=${config.port(app)} is taken by another process: stop it, or set ${variable} to a free port`);
}

/** Turns a listen failure of an app into its one-line StartupError; anything else passes through. */
export async function startingApp<T>(app: AppName, config: AppConfig, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (errorCode(error) === 'EADDRINUSE') throw portTakenError(app, config);
    if (errorCode(error) === 'EACCES' && /listen/i.test(String(error))) {
      throw new StartupError(`${PORT_VARIABLES[app]}=${config.port(app)} needs privileges to listen on: set ${PORT_VARIABLES[app]} to a port above 1023`);
    }
    throw error;
  }
}

/**
 * Fails fast, before the embedded database starts, when an app's port is taken; `startingApp`
 * still catches the race of a port taken in between.
 */
export async function assertPortsFree(config: AppConfig, apps: AppName[]): Promise<void> {
  for (const app of apps) {
    const failure = await new Promise<unknown>((resolve) => {
      const server = createServer();
      server.once('error', resolve);
      server.listen(config.port(app), config.env.HOST, () => server.close(() => resolve(undefined)));
    });
    // Other failures (a privileged port, a bad HOST) are reported when the app itself listens.
    if (errorCode(failure) === 'EADDRINUSE') throw portTakenError(app, config);
  }
}

export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

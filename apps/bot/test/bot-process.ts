import { AppProcess } from '@genbot/testing';

/** A real bot process that a crash test can SIGKILL mid-update. */
export type BotProcess = AppProcess;
export const BotProcess = {
  start: (env: Record<string, string>) => AppProcess.start({ name: 'bot', main: 'apps/bot/src/main.ts', portVariable: 'BOT_PORT' }, env),
};

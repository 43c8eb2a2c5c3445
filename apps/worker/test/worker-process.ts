import { AppProcess } from '@genbot/testing';

/** A real worker process that a crash test can SIGKILL mid-job. */
export type WorkerProcess = AppProcess;
export const WorkerProcess = {
  start: (env: Record<string, string>) => AppProcess.start({ name: 'worker', main: 'apps/worker/src/main.ts', portVariable: 'WORKER_PORT' }, env),
};

/**
 * Every BullMQ queue genbot uses, in one place. A queue is named after the lib that owns its
 * processors; job names inside it are `<queue>.<verb>` and typed in that lib's `job-map.ts`.
 * A queue is added here with its first processor, not before.
 */
export const QUEUES = {
  ledger: 'ledger',
  generations: 'generations',
  payments: 'payments',
  admin: 'admin',
  /** Broadcast starts (expansion) and the scheduler tick. */
  broadcasts: 'broadcasts',
  /** Broadcast send lanes: long jobs, kept off the queue that starts broadcasts. */
  broadcastSend: 'broadcast-send',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Every queue, for what watches them all (queue depths in /metrics, the admin's queue dashboard). */
export const ALL_QUEUES: readonly QueueName[] = Object.values(QUEUES);

/**
 * Every BullMQ queue genbot uses, in one place. A queue is named after the lib that owns its
 * processors; job names inside it are `<queue>.<verb>` and typed in that lib's `job-map.ts`.
 * A queue is added here with its first processor, not before.
 */
export const QUEUES = {
  ledger: 'ledger',
  generations: 'generations',
  /** Broadcast starts (expansion) and the scheduler tick. */
  broadcasts: 'broadcasts',
  /** Broadcast send lanes: long jobs, kept off the queue that starts broadcasts. */
  broadcastSend: 'broadcast-send',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

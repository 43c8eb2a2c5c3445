/**
 * Every BullMQ queue genbot uses, in one place. A queue is named after the lib that owns its
 * processors; job names inside it are `<queue>.<verb>` and typed in that lib's `job-map.ts`.
 * A queue is added here with its first processor, not before.
 */
export const QUEUES = {
  ledger: 'ledger',
  generations: 'generations',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

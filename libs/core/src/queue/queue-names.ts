/**
 * Every BullMQ queue genbot uses, in one place. A queue is named after the lib that owns its
 * processors; job names inside it are `<queue>.<verb>` and typed in that lib's `job-map.ts`.
 */
export const QUEUES = {
  maintenance: 'maintenance',
  ledger: 'ledger',
  generations: 'generations',
  broadcasts: 'broadcasts',
  notifications: 'notifications',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Jobs of the `broadcasts` and `broadcast-send` queues and their payloads (ids, never rows). */
export interface BroadcastsJobMap {
  /** Expands the audience into recipients (resumable), then opens the send lanes. */
  'broadcast.start': { broadcastId: string; round?: number };
  /** One send lane; `round` grows each time the lane hands itself over to a delayed job (a long 429 pause). */
  'broadcast.lane': { broadcastId: string; lane: number; round: number };
  /** Every few seconds: scheduled broadcasts that are due, running ones whose lanes were lost. */
  'broadcasts.tick': Record<string, never>;
}

export type BroadcastsJobName = keyof BroadcastsJobMap;

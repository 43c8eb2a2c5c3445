/** Jobs of the `generations` queue and their payloads (ids, never rows). */
export interface GenerationsJobMap {
  /** `chain` names the polling chain a resumed run starts (see GenerationsQueue.poll); absent for the first. */
  'generation.run': { generationId: string; chain?: string };
  /** `once`: a refresh's single look, which schedules no follow-up poll. */
  'generation.poll': { generationId: string; attempt: number; chain?: string; once?: boolean };
  'generations.cleanup': Record<string, never>;
  'generations.sweep': Record<string, never>;
}

export type GenerationsJobName = keyof GenerationsJobMap;

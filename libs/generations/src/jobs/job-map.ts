/** Jobs of the `generations` queue and their payloads (ids, never rows). */
export interface GenerationsJobMap {
  'generation.run': { generationId: string };
  'generation.poll': { generationId: string; attempt: number };
  'generations.cleanup': Record<string, never>;
  'generations.sweep': Record<string, never>;
}

export type GenerationsJobName = keyof GenerationsJobMap;

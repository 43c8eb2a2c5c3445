/** Generations' operator-tunable values (`system_settings`) and their defaults. */
export const GENERATIONS_SETTING_DEFAULTS = {
  /** Provider cost in USD × this = credits (seed 002's prices are $0.027 → 27 credits). */
  credits_per_usd: 1000,
  /** Models whose first use is free, once per user. */
  trial_model_slugs: ['seedream-v4', 'nano-banana', 'qwen', 'local-text-to-image', 'animate-drawing'] as string[],
  result_retention_days: 30,
  /** Queued or running generations one user may have at once (0: no cap); more is a 429. */
  max_active_generations_per_user: 3,
  /** The image-to-image model the video wizard edits a character with (seed 000's `edit_character_image`). */
  talking_head_edit_model: 'nano-banana',
};

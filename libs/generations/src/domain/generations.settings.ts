import { DEFAULT_MODEL_INSTRUCTIONS } from './model-instructions';

/** Generations' operator-tunable values (`system_settings`) and their defaults. */
export const GENERATIONS_SETTING_DEFAULTS = {
  /** Provider cost in USD × this = credits (seed 002's prices are $0.027 → 27 credits). */
  credits_per_usd: 1000,
  /** Models whose first use is free, once per user. */
  trial_model_slugs: ['seedream-v4', 'nano-banana', 'qwen', 'local-text-to-image', 'animate-drawing'] as string[],
  result_retention_days: 30,
  /** Queued or running generations one user may have at once (0: no cap); more is a 429. */
  max_active_generations_per_user: 3,
  /** Per model slug and language, the fixed instruction sent ahead of the prompt (seed 003's drawing). */
  model_instructions: DEFAULT_MODEL_INSTRUCTIONS,
  /** The bot refuses a second generation from a chat while one from it is queued or running. */
  bot_one_generation_at_a_time: true,
  /** Images one drawing brought to life yields (seed 003: four); the animate-drawing model's `count`. */
  drawing_images: 4,
  /** What the bot does with a photo sent outside any flow: seed 003's `drawing`, or `choose` (the tools and the drawing offered). */
  bot_default_photo_action: 'drawing' as 'drawing' | 'choose',
  /** The image-to-image model the video wizard edits a character with (seed 000's `edit_character_image`). */
  talking_head_edit_model: 'nano-banana',
};

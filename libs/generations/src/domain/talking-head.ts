/** Seed 000's talking-head video wizard: who the character is, and how its lists are paged. */
export const CHARACTER_GENDERS = ['male', 'female'] as const;
export type CharacterGender = (typeof CHARACTER_GENDERS)[number];
export const CHARACTER_AGES = ['young', 'elderly'] as const;
export type CharacterAge = (typeof CHARACTER_AGES)[number];

/** Seed 000's `list_character_images(…, limit=5)` and `list_voice_samples(…, limit=5)`. */
export const WIZARD_PAGE_SIZE = 5;

/** The catalog model that runs the whole chain: text to speech, then the talking head, one hold. */
export const TALKING_HEAD_VIDEO_MODEL = 'talking-head-video';

export interface Character {
  id: string;
  gender: CharacterGender;
  age: CharacterAge;
  title: string;
  imageKey: string;
  sortOrder: number;
  isActive: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface Page<T> {
  items: T[];
  /** Zero-based. */
  page: number;
  pages: number;
  total: number;
  hasPrevious: boolean;
  hasNext: boolean;
}

export function isCharacterGender(value: unknown): value is CharacterGender {
  return typeof value === 'string' && (CHARACTER_GENDERS as readonly string[]).includes(value);
}

export function isCharacterAge(value: unknown): value is CharacterAge {
  return typeof value === 'string' && (CHARACTER_AGES as readonly string[]).includes(value);
}

/** One page of `all`; a page past the end is clamped to the last, one before the start to the first. */
export function pageOf<T>(all: T[], page: number, size = WIZARD_PAGE_SIZE): Page<T> {
  const pages = Math.max(1, Math.ceil(all.length / size));
  const current = Math.min(Math.max(0, Math.floor(page) || 0), pages - 1);
  return {
    items: all.slice(current * size, (current + 1) * size),
    page: current,
    pages,
    total: all.length,
    hasPrevious: current > 0,
    hasNext: current < pages - 1,
  };
}

/**
 * Whether an ElevenLabs voice suits a character. Its labels are free-form: `gender` is male or
 * female; `age` is young, middle aged (or middle_aged) or old. The library has few "old" voices,
 * so an elderly character may also speak with a middle-aged one; a voice without labels suits none.
 */
export function voiceSuits(labels: Record<string, string>, gender: CharacterGender, age: CharacterAge): boolean {
  if (labels.gender?.toLowerCase() !== gender) return false;
  const voiceAge = labels.age?.toLowerCase().replace(/[\s_-]+/g, ' ');
  return age === 'young' ? voiceAge === 'young' : voiceAge === 'old' || voiceAge === 'middle aged';
}

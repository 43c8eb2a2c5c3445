import type { Language } from '@genbot/users';

/** What a voice message outside a flow can ask for (issue 10). */
export const VOICE_INTENTS = ['create', 'balance', 'buy', 'help', 'language'] as const;
export type VoiceIntent = (typeof VOICE_INTENTS)[number];

/**
 * Keywords per language and intent, as seed 004 matched "потратил", "купил"… A keyword matches a
 * word it begins (a stem: "нарису" matches "нарисуй", "нарисовать"); one with a space matches
 * that phrase. Lower case, "ё" written "е", Uzbek apostrophes written "'".
 */
export const VOICE_KEYWORDS: Record<Language, Record<VoiceIntent, string[]>> = {
  en: {
    create: ['create', 'generat', 'draw', 'make', 'picture', 'image', 'photo', 'video', 'paint'],
    balance: ['balance', 'credit', 'how much', 'how many'],
    buy: ['buy', 'purchase', 'top up', 'pay', 'payment'],
    help: ['help', 'what can you', 'how does', 'how do'],
    language: ['language', 'english', 'russian', 'uzbek'],
  },
  ru: {
    create: ['созда', 'сгенерир', 'генерир', 'нарису', 'рисуй', 'сделай', 'картин', 'изображен', 'фото', 'видео'],
    balance: ['баланс', 'кредит', 'сколько', 'остат'],
    buy: ['куп', 'покуп', 'пополн', 'оплат', 'заплат'],
    help: ['помощ', 'помоги', 'справк', 'что ты умеешь', 'как работ'],
    language: ['язык', 'русск', 'английск', 'узбекск'],
  },
  uz: {
    create: ['yarat', 'chiz', 'rasm', 'surat', 'video', 'generats', 'tayyorla'],
    balance: ['balans', 'hisob', 'kredit', 'qancha', 'qoldiq'],
    buy: ['sotib ol', 'xarid', "to'lov", "to'la", "to'ldir"],
    help: ['yordam', 'qanday ishla', "ma'lumot"],
    language: ['til', "o'zbek", 'rus', 'ingliz'],
  },
};

/** When two intents match as often, the one asked for by the more specific words wins: "купить кредиты" is buy, not balance. */
const PRECEDENCE: VoiceIntent[] = ['buy', 'language', 'balance', 'help', 'create'];

/** Lower case, "ё" as "е", every Uzbek apostrophe as "'", punctuation as spaces. */
export function normalizeTranscript(text: string): string {
  return text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[ʻʼ‘’`´]/g, "'")
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The intent a transcript asks for: first by the keywords of the user's language, then by those
 * of the others (a user reading the bot in English may still speak Russian). Undefined when
 * nothing matches.
 */
export function matchVoiceIntent(transcript: string, language: Language): VoiceIntent | undefined {
  const text = normalizeTranscript(transcript);
  if (!text) return undefined;
  const words = text.split(' ');
  const others = (Object.keys(VOICE_KEYWORDS) as Language[]).filter((other) => other !== language);
  for (const table of [[language], others]) {
    const scores = new Map<VoiceIntent, number>();
    for (const lang of table) {
      for (const intent of VOICE_INTENTS) {
        const hits = VOICE_KEYWORDS[lang][intent].filter((keyword) => matches(keyword, text, words)).length;
        if (hits > 0) scores.set(intent, (scores.get(intent) ?? 0) + hits);
      }
    }
    const best = Math.max(0, ...scores.values());
    if (best > 0) return PRECEDENCE.find((intent) => scores.get(intent) === best);
  }
  return undefined;
}

function matches(keyword: string, text: string, words: string[]): boolean {
  if (keyword.includes(' ')) return ` ${text} `.includes(` ${keyword}`);
  return words.some((word) => word.startsWith(keyword));
}

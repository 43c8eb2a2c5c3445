import { matchVoiceIntent, normalizeTranscript, VOICE_INTENTS, VOICE_KEYWORDS } from './voice-intents';

describe('voice intents', () => {
  it.each([
    ['Нарисуй кота в шляпе', 'create'],
    ['Создай картинку с морем', 'create'],
    ['Сколько у меня кредитов?', 'balance'],
    ['Покажи баланс', 'balance'],
    ['Хочу купить кредиты', 'buy'],
    ['Пополнить счёт', 'buy'],
    ['Помоги, пожалуйста', 'help'],
    ['Что ты умеешь', 'help'],
    ['Смени язык на английский', 'language'],
  ])('ru: "%s" is %s', (text, intent) => {
    expect(matchVoiceIntent(text, 'ru')).toBe(intent);
  });

  it.each([
    ['Draw me a dragon', 'create'],
    ['Generate an image of a lighthouse', 'create'],
    ['What is my balance', 'balance'],
    ['How many credits do I have', 'balance'],
    ['I want to buy credits', 'buy'],
    ['Top up please', 'buy'],
    ['Help', 'help'],
    ['Change the language', 'language'],
  ])('en: "%s" is %s', (text, intent) => {
    expect(matchVoiceIntent(text, 'en')).toBe(intent);
  });

  it.each([
    ['Mushuk rasmini chizib ber', 'create'],
    ['Rasm yarat', 'create'],
    ['Balansim qancha', 'balance'],
    ['Kredit sotib olmoqchiman', 'buy'],
    ['Hisobni toʻldirish', 'buy'],
    ['Yordam kerak', 'help'],
    ['Tilni oʻzgartir', 'language'],
  ])('uz: "%s" is %s', (text, intent) => {
    expect(matchVoiceIntent(text, 'uz')).toBe(intent);
  });

  it('matches by the other languages when the user speaks one the bot is not set to', () => {
    expect(matchVoiceIntent('Покажи баланс', 'en')).toBe('balance');
    expect(matchVoiceIntent('buy credits', 'uz')).toBe('buy');
  });

  it('matches nothing in words of no intent, or in silence', () => {
    expect(matchVoiceIntent('Добрый вечер', 'ru')).toBeUndefined();
    expect(matchVoiceIntent('Good evening', 'en')).toBeUndefined();
    expect(matchVoiceIntent('Assalomu alaykum', 'uz')).toBeUndefined();
    expect(matchVoiceIntent('  ', 'ru')).toBeUndefined();
  });

  it('writes every keyword in normalized form, for every intent in every language', () => {
    for (const table of Object.values(VOICE_KEYWORDS)) {
      expect(Object.keys(table).sort()).toEqual([...VOICE_INTENTS].sort());
      for (const keyword of Object.values(table).flat()) expect(normalizeTranscript(keyword)).toBe(keyword);
    }
  });

  it('normalizes case, ё, Uzbek apostrophes and punctuation', () => {
    expect(normalizeTranscript('  Ещё, ОДИН раз! ')).toBe('еще один раз');
    expect(normalizeTranscript('Oʻzbek tiliga o’t')).toBe("o'zbek tiliga o't");
  });
});

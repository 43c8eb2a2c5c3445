import { credits } from '@genbot/telegram';
import type { Language } from '@genbot/users';

/** What a winner is told, in their language. */
export const LOTTERY_WIN_TEXTS: Record<Language, (title: string, place: number, prize: number) => string> = {
  en: (title, place, prize) => `🎉 You won place ${place} in “${title}”: +${credits('en', prize)} are on your balance.`,
  ru: (title, place, prize) => `🎉 Вы заняли ${place}-е место в розыгрыше «${title}»: +${credits('ru', prize)} уже на балансе.`,
  uz: (title, place, prize) => `🎉 Siz «${title}» o'yinida ${place}-o'rinni egalladingiz: +${credits('uz', prize)} balansingizda.`,
};

import { type PluralForms, credits, plural } from '@genbot/telegram';
import type { Language } from '@genbot/users';

/** Every text of seed 000's video wizard, in uz / ru / en. */
export interface WizardTexts {
  chooseGender: string;
  male: string;
  female: string;
  chooseAge: string;
  young: string;
  elderly: string;
  gallery(page: number, pages: number): string;
  emptyGallery: string;
  previous: string;
  next: string;
  back: string;
  cancel: string;
  cancelled: string;
  chosen(title: string): string;
  /** Under the chosen (or edited) character: describe a change or go on. */
  editOffer(editPrice: number, edits: number, maxEdits: number): string;
  noMoreEdits(maxEdits: number): string;
  continue: string;
  editing(iteration: number, maxEdits: number): string;
  keep: string;
  revert: string;
  stillEditing: string;
  editKept(edits: number): string;
  editFailed: string;
  reverted: string;
  askScript(maxLength: number): string;
  scriptTooLong(length: number, maxLength: number): string;
  voicesUnavailable: string;
  chooseVoice(page: number, pages: number): string;
  noVoices: string;
  /** Marks the voice the user chose last time. */
  lastVoice: string;
  confirm(character: string, edits: number, voice: string, script: string, price: number, available: number): string;
  confirmButton: string;
  notEnough(price: number, available: number): string;
  buy: string;
}

const edited = (lang: Language, n: number, forms: PluralForms) => (n > 0 ? ` (${plural(lang, n, forms)})` : '');

export const WIZARD_TEXTS: Record<Language, WizardTexts> = {
  en: {
    chooseGender: '🎬 Talking video. Who will speak? Choose the character’s gender:',
    male: '👨 Male',
    female: '👩 Female',
    chooseAge: 'Choose the character’s age:',
    young: '🧑 Young',
    elderly: '🧓 Elderly',
    gallery: (page, pages) => `Pick a character (page ${page} of ${pages}):`,
    emptyGallery: 'There are no characters of this kind yet. Choose another.',
    previous: '◀️ Previous',
    next: 'Next ▶️',
    back: '↩️ Back',
    cancel: '✖️ Cancel',
    cancelled: 'Video cancelled.',
    chosen: (title) => `✅ ${title}`,
    editOffer: (price, edits, max) =>
      `Want to change the character? Send a description of the change (${price > 0 ? `an edit costs ${credits('en', price)}` : 'this edit is free'}; ${edits} of ${max} used), or continue.`,
    noMoreEdits: (max) => `You have used all ${max} edits. Continue with this character or revert.`,
    continue: '➡️ Continue',
    editing: (n, max) => `🪄 Editing (${n} of ${max})… The new picture will arrive here. Then keep it or revert.`,
    keep: '✅ Keep',
    revert: '↩️ Revert',
    stillEditing: '⏳ Still editing, one moment…',
    editKept: (edits) => `✅ Kept. Edits so far: ${edits}.`,
    editFailed: '❌ The edit did not work; the previous picture stays. Your credits were returned.',
    reverted: '↩️ Back to the original character.',
    askScript: (max) => `✍️ Send the text the character will say (up to ${max} characters).`,
    scriptTooLong: (length, max) => `That is ${length} characters; the limit is ${max}. Please send a shorter text.`,
    voicesUnavailable: '⚠️ Voices are unavailable right now. Please try again later.',
    chooseVoice: (page, pages) => `🎙 Listen to the samples above and choose a voice (page ${page} of ${pages}):`,
    noVoices: 'There are no voices for this character. Choose another character.',
    lastVoice: '⭐',
    confirm: (character, edits, voice, script, price, available) =>
      `🎬 Your video\n\nCharacter: ${character}${edited('en', edits, { one: 'edit', other: 'edits' })}\nVoice: ${voice}\nText: «${script}»\n\nPrice: ${credits('en', price)}. Available: ${credits('en', available)}.`,
    confirmButton: '✅ Create the video',
    notEnough: (price, available) =>
      `Not enough credits: this costs ${credits('en', price)}, you have ${credits('en', available)}. ${credits('en', price - available)} missing.`,
    buy: '💳 Buy credits',
  },
  ru: {
    chooseGender: '🎬 Говорящее видео. Кто будет говорить? Выберите пол персонажа:',
    male: '👨 Мужчина',
    female: '👩 Женщина',
    chooseAge: 'Выберите возраст персонажа:',
    young: '🧑 Молодой',
    elderly: '🧓 Пожилой',
    gallery: (page, pages) => `Выберите персонажа (страница ${page} из ${pages}):`,
    emptyGallery: 'Таких персонажей пока нет. Выберите другого.',
    previous: '◀️ Назад',
    next: 'Далее ▶️',
    back: '↩️ Назад',
    cancel: '✖️ Отмена',
    cancelled: 'Видео отменено.',
    chosen: (title) => `✅ ${title}`,
    editOffer: (price, edits, max) =>
      `Хотите изменить персонажа? Опишите изменение текстом (${price > 0 ? `правка стоит ${credits('ru', price)}` : 'эта правка бесплатна'}; использовано ${edits} из ${max}) или продолжайте.`,
    noMoreEdits: (max) => `Все ${max} правок использованы. Продолжите с этим персонажем или верните исходного.`,
    continue: '➡️ Продолжить',
    editing: (n, max) => `🪄 Редактирую (${n} из ${max})… Новая картинка придёт сюда. Затем оставьте её или верните прежнюю.`,
    keep: '✅ Оставить',
    revert: '↩️ Вернуть',
    stillEditing: '⏳ Ещё редактирую, минутку…',
    editKept: (edits) => `✅ Оставлено. Правок: ${edits}.`,
    editFailed: '❌ Правка не удалась, остаётся прежняя картинка. Кредиты возвращены.',
    reverted: '↩️ Возвращён исходный персонаж.',
    askScript: (max) => `✍️ Пришлите текст, который произнесёт персонаж (до ${max} символов).`,
    scriptTooLong: (length, max) => `В тексте ${length} символов, а можно не больше ${max}. Пришлите текст короче.`,
    voicesUnavailable: '⚠️ Голоса сейчас недоступны. Попробуйте позже.',
    chooseVoice: (page, pages) => `🎙 Послушайте образцы выше и выберите голос (страница ${page} из ${pages}):`,
    noVoices: 'Для этого персонажа нет голосов. Выберите другого персонажа.',
    lastVoice: '⭐',
    confirm: (character, edits, voice, script, price, available) =>
      `🎬 Ваше видео\n\nПерсонаж: ${character}${edited('ru', edits, { one: 'правка', few: 'правки', many: 'правок', other: 'правки' })}\nГолос: ${voice}\nТекст: «${script}»\n\nЦена: ${credits('ru', price)}. Доступно: ${credits('ru', available)}.`,
    confirmButton: '✅ Создать видео',
    notEnough: (price, available) =>
      `Недостаточно кредитов: это стоит ${credits('ru', price)}, у вас ${credits('ru', available)}. Не хватает: ${credits('ru', price - available)}.`,
    buy: '💳 Купить кредиты',
  },
  uz: {
    chooseGender: '🎬 Gapiradigan video. Kim gapiradi? Qahramon jinsini tanlang:',
    male: '👨 Erkak',
    female: '👩 Ayol',
    chooseAge: 'Qahramon yoshini tanlang:',
    young: '🧑 Yosh',
    elderly: '🧓 Keksa',
    gallery: (page, pages) => `Qahramonni tanlang (${pages} sahifadan ${page}-sahifa):`,
    emptyGallery: 'Bunday qahramonlar hozircha yo‘q. Boshqasini tanlang.',
    previous: '◀️ Oldingi',
    next: 'Keyingi ▶️',
    back: '↩️ Orqaga',
    cancel: '✖️ Bekor qilish',
    cancelled: 'Video bekor qilindi.',
    chosen: (title) => `✅ ${title}`,
    editOffer: (price, edits, max) =>
      `Qahramonni o‘zgartirmoqchimisiz? O‘zgarishni matn bilan yozing (${price > 0 ? `bir tahrir ${credits('uz', price)}` : 'bu tahrir bepul'}; ${max} tadan ${edits} tasi ishlatilgan) yoki davom eting.`,
    noMoreEdits: (max) => `Barcha ${max} ta tahrir ishlatildi. Shu qahramon bilan davom eting yoki asliga qaytaring.`,
    continue: '➡️ Davom etish',
    editing: (n, max) => `🪄 Tahrirlanmoqda (${max} tadan ${n})… Yangi rasm shu yerga keladi. Keyin uni qoldiring yoki qaytaring.`,
    keep: '✅ Qoldirish',
    revert: '↩️ Qaytarish',
    stillEditing: '⏳ Hali tahrirlanmoqda, biroz kuting…',
    editKept: (edits) => `✅ Qoldirildi. Tahrirlar: ${edits}.`,
    editFailed: '❌ Tahrir chiqmadi, avvalgi rasm qoladi. Kreditlaringiz qaytarildi.',
    reverted: '↩️ Asl qahramonga qaytildi.',
    askScript: (max) => `✍️ Qahramon aytadigan matnni yuboring (${max} belgigacha).`,
    scriptTooLong: (length, max) => `Matnda ${length} ta belgi bor, chegara ${max}. Qisqaroq matn yuboring.`,
    voicesUnavailable: '⚠️ Ovozlar hozir mavjud emas. Keyinroq urinib ko‘ring.',
    chooseVoice: (page, pages) => `🎙 Yuqoridagi namunalarni tinglang va ovozni tanlang (${pages} sahifadan ${page}-sahifa):`,
    noVoices: 'Bu qahramon uchun ovoz yo‘q. Boshqa qahramonni tanlang.',
    lastVoice: '⭐',
    confirm: (character, edits, voice, script, price, available) =>
      `🎬 Videongiz\n\nQahramon: ${character}${edited('uz', edits, { other: 'tahrir' })}\nOvoz: ${voice}\nMatn: «${script}»\n\nNarxi: ${credits('uz', price)}. Mavjud: ${credits('uz', available)}.`,
    confirmButton: '✅ Videoni yaratish',
    notEnough: (price, available) =>
      `Kredit yetarli emas: bu ${credits('uz', price)} turadi, sizda ${credits('uz', available)}. Yetishmayapti: ${credits('uz', price - available)}.`,
    buy: '💳 Kredit sotib olish',
  },
};

import { credits } from '@genbot/telegram';
import type { Language } from '@genbot/users';

/** The texts of the create, tools and drawing flows, kept here rather than in the shared Catalog. */
export interface CreateTexts {
  chooseModel: string;
  chooseTool: string;
  /** A catalog option's name as the user sees it (size, aspect ratio…); unknown keys show as named. */
  optionNames: Record<string, string>;
  chooseOption(name: string): string;
  sendPrompt(model: string): string;
  sendPhotos(max: number, optional: boolean): string;
  sendToolPhoto: string;
  photoReceived(count: number, max: number): string;
  photoTooLarge(maxMb: number): string;
  photoNotImage: string;
  withoutPhotos: string;
  photosDone: string;
  prev: string;
  next: string;
  cancel: string;
  cancelled: string;
  confirm: string;
  buy: string;
  drawing: string;
  noModels: string;
  confirmSummary(input: { model: string; options: string[]; prompt?: string; photos: number; price: number; trial: boolean }): string;
  /** Credits short: how many are needed, held and missing. */
  insufficient(price: number, available: number): string;
  alreadyStarted: string;
  /** Another generation from this chat is still running and the operator allows one at a time. */
  busy: string;
  unavailable(model: string): string;
  tooManyActive: string;
}

export const CREATE_TEXTS: Record<Language, CreateTexts> = {
  en: {
    chooseModel: '🎨 Choose a model:',
    chooseTool: '🛠 What should I do with this photo?',
    optionNames: { size: 'size', aspect_ratio: 'aspect ratio', quality: 'quality', resolution: 'resolution', target_resolution: 'resolution', model: 'mode' },
    chooseOption: (name) => `Choose the ${name}:`,
    sendPrompt: (model) => `✍️ ${model}: describe what to create.`,
    sendPhotos: (max, optional) => `🖼 Send up to ${max} photo${max === 1 ? '' : 's'} to work from${optional ? ', or continue without photos' : ''}.`,
    sendToolPhoto: '🖼 Send the photo to improve.',
    photoReceived: (count, max) => `✅ Photo ${count} of ${max} received. Send more or tap Continue.`,
    photoTooLarge: (maxMb) => `⚠️ This file is too large: at most ${maxMb} MB.`,
    photoNotImage: '⚠️ This is not an image I can use (JPEG, PNG or WebP).',
    withoutPhotos: '➡️ Without photos',
    photosDone: '➡️ Continue',
    prev: '◀️',
    next: '▶️',
    cancel: '✖️ Cancel',
    cancelled: '✖️ Cancelled.',
    confirm: '✅ Confirm',
    buy: '💳 Buy credits',
    drawing: '🧸 Bring the drawing to life',
    noModels: '😔 No model is available right now. Please try later.',
    confirmSummary: ({ model, options, prompt, photos, price, trial }) =>
      [
        `🧾 ${model}`,
        ...options,
        ...(prompt ? [`✍️ ${prompt}`] : []),
        ...(photos > 0 ? [`🖼 Photos: ${photos}`] : []),
        trial ? '🎁 Price: free (your trial)' : `💰 Price: ${credits('en', price)}`,
      ].join('\n'),
    insufficient: (price, available) =>
      `💸 Not enough credits: this costs ${credits('en', price)}, you have ${credits('en', available)}. Missing: ${credits('en', price - available)}.`,
    alreadyStarted: '⏳ Already started.',
    busy: '⏳ Your previous generation is still running. Please wait for it to finish.',
    unavailable: (model) => `😔 ${model} is unavailable right now. Please try later.`,
    tooManyActive: '⏳ Too many generations are running. Try again when one finishes.',
  },
  ru: {
    chooseModel: '🎨 Выберите модель:',
    chooseTool: '🛠 Что сделать с этим фото?',
    optionNames: {
      size: 'размер',
      aspect_ratio: 'соотношение сторон',
      quality: 'качество',
      resolution: 'разрешение',
      target_resolution: 'разрешение',
      model: 'режим',
    },
    chooseOption: (name) => `Выберите ${name}:`,
    sendPrompt: (model) => `✍️ ${model}: опишите, что создать.`,
    sendPhotos: (max, optional) => `🖼 Отправьте до ${max} фото для работы${optional ? ' или продолжите без фото' : ''}.`,
    sendToolPhoto: '🖼 Отправьте фото для обработки.',
    photoReceived: (count, max) => `✅ Фото ${count} из ${max} получено. Отправьте ещё или нажмите «Продолжить».`,
    photoTooLarge: (maxMb) => `⚠️ Файл слишком большой: не более ${maxMb} МБ.`,
    photoNotImage: '⚠️ Это не изображение, которое я могу обработать (JPEG, PNG или WebP).',
    withoutPhotos: '➡️ Без фото',
    photosDone: '➡️ Продолжить',
    prev: '◀️',
    next: '▶️',
    cancel: '✖️ Отмена',
    cancelled: '✖️ Отменено.',
    confirm: '✅ Подтвердить',
    buy: '💳 Купить кредиты',
    drawing: '🧸 Оживить рисунок',
    noModels: '😔 Сейчас нет доступных моделей. Попробуйте позже.',
    confirmSummary: ({ model, options, prompt, photos, price, trial }) =>
      [
        `🧾 ${model}`,
        ...options,
        ...(prompt ? [`✍️ ${prompt}`] : []),
        ...(photos > 0 ? [`🖼 Фото: ${photos}`] : []),
        trial ? '🎁 Цена: бесплатно (пробная генерация)' : `💰 Цена: ${credits('ru', price)}`,
      ].join('\n'),
    insufficient: (price, available) =>
      `💸 Недостаточно кредитов: нужно ${credits('ru', price)}, у вас ${credits('ru', available)}. Не хватает: ${credits('ru', price - available)}.`,
    alreadyStarted: '⏳ Уже запущено.',
    busy: '⏳ Предыдущая генерация ещё идёт. Дождитесь её завершения.',
    unavailable: (model) => `😔 ${model} сейчас недоступна. Попробуйте позже.`,
    tooManyActive: '⏳ Слишком много генераций идёт одновременно. Попробуйте, когда одна завершится.',
  },
  uz: {
    chooseModel: '🎨 Modelni tanlang:',
    chooseTool: '🛠 Bu rasm bilan nima qilay?',
    optionNames: { size: 'o‘lcham', aspect_ratio: 'tomonlar nisbati', quality: 'sifat', resolution: 'aniqlik', target_resolution: 'aniqlik', model: 'rejim' },
    chooseOption: (name) => `${name[0].toUpperCase()}${name.slice(1)}ni tanlang:`,
    sendPrompt: (model) => `✍️ ${model}: nima yaratishni yozing.`,
    sendPhotos: (max, optional) => `🖼 Ish uchun ${max} tagacha rasm yuboring${optional ? ' yoki rasmsiz davom eting' : ''}.`,
    sendToolPhoto: '🖼 Ishlov beriladigan rasmni yuboring.',
    photoReceived: (count, max) => `✅ ${max} tadan ${count}-rasm qabul qilindi. Yana yuboring yoki «Davom etish»ni bosing.`,
    photoTooLarge: (maxMb) => `⚠️ Fayl juda katta: ko‘pi bilan ${maxMb} MB.`,
    photoNotImage: '⚠️ Bu men ishlay oladigan rasm emas (JPEG, PNG yoki WebP).',
    withoutPhotos: '➡️ Rasmsiz',
    photosDone: '➡️ Davom etish',
    prev: '◀️',
    next: '▶️',
    cancel: '✖️ Bekor qilish',
    cancelled: '✖️ Bekor qilindi.',
    confirm: '✅ Tasdiqlash',
    buy: '💳 Kredit sotib olish',
    drawing: '🧸 Rasmni jonlantirish',
    noModels: '😔 Hozir mavjud model yo‘q. Keyinroq urinib ko‘ring.',
    confirmSummary: ({ model, options, prompt, photos, price, trial }) =>
      [
        `🧾 ${model}`,
        ...options,
        ...(prompt ? [`✍️ ${prompt}`] : []),
        ...(photos > 0 ? [`🖼 Rasmlar: ${photos}`] : []),
        trial ? '🎁 Narxi: bepul (sinov)' : `💰 Narxi: ${credits('uz', price)}`,
      ].join('\n'),
    insufficient: (price, available) =>
      `💸 Kredit yetarli emas: narxi ${credits('uz', price)}, sizda ${credits('uz', available)}. Yetishmaydi: ${credits('uz', price - available)}.`,
    alreadyStarted: '⏳ Allaqachon boshlangan.',
    busy: '⏳ Oldingi generatsiya hali davom etmoqda. Tugashini kuting.',
    unavailable: (model) => `😔 ${model} hozir mavjud emas. Keyinroq urinib ko‘ring.`,
    tooManyActive: '⏳ Bir vaqtda juda ko‘p generatsiya ishlamoqda. Bittasi tugagach urinib ko‘ring.',
  },
};

import { Catalog } from './catalog';

export const uz: Catalog = {
  greeting: (name) =>
    `👋 Xush kelibsiz, ${name}!\n\nMen g‘oyalaringiz va suratlaringizni sun’iy intellekt yordamida rasm, video va ovozga aylantiraman. Quyidan tanlang.`,
  greetingBack: (name) => `👋 Qaytganingiz bilan, ${name}! Bugun nima yaratamiz?`,
  menuOpenApp: '🚀 Ilovani ochish',
  menuLanguage: '🌐 Til',
  menuHelp: '❓ Yordam',
  help: 'Buyruqlar:\n/start – asosiy menyu\n/balance – kreditlaringiz\n/language – tilni o‘zgartirish\n/help – ushbu yordam\n\nSavollar bo‘lsa, shu yerga yozing.',
  balance: (credits) => `💰 Balansingiz: ${credits} kredit`,
  balanceReserved: (reserved, available) => `⏳ Generatsiyalar uchun band qilingan: ${reserved}\n✅ Hozir mavjud: ${available}`,
  generationStarted: (model) => `⏳ ${model}: yaratilmoqda…`,
  generationProgress: (model, percent) => `⏳ ${model}: ${percent}%`,
  resultCaption: (model) => `✅ Tayyor · ${model}`,
  generationFailed: (model) => `❌ ${model} generatsiyani yakunlay olmadi. Kreditlaringiz qaytarildi.`,
  chooseLanguage: 'Tilni tanlang:',
  languageSaved: '✅ Til o‘zbekchaga o‘zgartirildi.',
  banned: '⛔ Ushbu botdan foydalanishingiz cheklangan.',
  somethingWentWrong: '⚠️ Nimadir xato ketdi. Bir daqiqadan so‘ng qayta urinib ko‘ring.',
  commands: { start: 'Asosiy menyu', balance: 'Kreditlaringiz', help: 'Yordam', language: 'Tilni o‘zgartirish' },
};

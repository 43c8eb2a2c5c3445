import { Catalog } from './catalog';

export const ru: Catalog = {
  greeting: (name) => `👋 Добро пожаловать, ${name}!\n\nЯ превращаю ваши идеи и фото в изображения, видео и голос с помощью ИИ. Выберите, что хотите сделать.`,
  greetingBack: (name) => `👋 С возвращением, ${name}! Что создадим сегодня?`,
  menuOpenApp: '🚀 Открыть приложение',
  menuLanguage: '🌐 Язык',
  menuHelp: '❓ Помощь',
  help: 'Команды:\n/start – главное меню\n/balance – ваши кредиты\n/language – сменить язык\n/help – эта справка\n\nЕсть вопросы? Просто напишите нам здесь.',
  balance: (credits) => `💰 Ваш баланс: ${credits} кредитов`,
  balanceReserved: (reserved, available) => `⏳ Зарезервировано под генерации: ${reserved}\n✅ Доступно сейчас: ${available}`,
  generationStarted: (model) => `⏳ ${model}: генерирую…`,
  generationProgress: (model, percent) => `⏳ ${model}: ${percent}%`,
  resultCaption: (model) => `✅ Готово · ${model}`,
  generationFailed: (model) => `❌ ${model} не смог выполнить генерацию. Кредиты возвращены.`,
  chooseLanguage: 'Выберите язык:',
  languageSaved: '✅ Язык изменён на русский.',
  banned: '⛔ Ваш доступ к этому боту ограничен.',
  somethingWentWrong: '⚠️ Что-то пошло не так. Попробуйте ещё раз через минуту.',
  commands: { start: 'Главное меню', balance: 'Ваши кредиты', help: 'Помощь', language: 'Сменить язык' },
};

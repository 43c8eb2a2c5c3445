import { Catalog } from './catalog';

export const en: Catalog = {
  greeting: (name) => `👋 Welcome, ${name}!\n\nI turn your ideas and photos into images, videos and voice with AI. Pick what you want below.`,
  greetingBack: (name) => `👋 Welcome back, ${name}! What shall we make today?`,
  menuOpenApp: '🚀 Open the app',
  menuLanguage: '🌐 Language',
  menuHelp: '❓ Help',
  help: 'Commands:\n/start – main menu\n/balance – your credits\n/language – change the language\n/help – this help\n\nQuestions? Just write to us here.',
  balance: (credits) => `💰 Your balance: ${credits} credits`,
  balanceReserved: (reserved, available) => `⏳ Reserved for running generations: ${reserved}\n✅ Available now: ${available}`,
  generationStarted: (model) => `⏳ ${model}: generating…`,
  generationProgress: (model, percent) => `⏳ ${model}: ${percent}%`,
  resultCaption: (model) => `✅ Ready · ${model}`,
  generationFailed: (model) => `❌ ${model} could not finish this one. Your credits were returned.`,
  chooseLanguage: 'Choose your language:',
  languageSaved: '✅ Language set to English.',
  banned: '⛔ Your access to this bot has been restricted.',
  somethingWentWrong: '⚠️ Something went wrong. Please try again in a minute.',
  commands: { start: 'Main menu', balance: 'Your credits', help: 'Help', language: 'Change language' },
};

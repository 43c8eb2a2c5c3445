/**
 * Every text a user sees, in uz / ru / en. Keys are shared by the bot and (later) the worker's
 * captions; a missing translation is a type error, not a runtime surprise.
 */
export interface Catalog {
  greeting(name: string): string;
  greetingBack(name: string): string;
  menuOpenApp: string;
  menuLanguage: string;
  menuHelp: string;
  help: string;
  balance(credits: number): string;
  balanceReserved(reserved: number, available: number): string;
  generationStarted(model: string): string;
  generationProgress(model: string, percent: number): string;
  resultCaption(model: string): string;
  generationFailed(model: string): string;
  chooseLanguage: string;
  languageSaved: string;
  banned: string;
  somethingWentWrong: string;
  commands: { start: string; balance: string; help: string; language: string };
}

export type { Language } from '@genbot/users';

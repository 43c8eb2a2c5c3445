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
  menuCreate: string;
  menuTools: string;
  menuBalance: string;
  menuBuy: string;
  menuInvite: string;
  menuBonus: string;
  /** Above the main menu when it is sent on its own (after an expired button, a finished flow). */
  menuTitle: string;
  /** A button of a finished or replaced flow was pressed. */
  menuExpired: string;
  /** Text or media that no flow is waiting for. */
  unknownInput: string;
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
  /** Published with setMyCommands, in this order; /help lists the same. */
  commands: { start: string; create: string; tools: string; balance: string; buy: string; invite: string; bonus: string; language: string; help: string };
}

export type { Language } from '@genbot/users';

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
  /** Seed 000's talking-head video wizard. */
  menuVideo: string;
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
  /** Seed 004: voice messages, transcribed and used as a flow's text or matched to a command. */
  voice: {
    /** Neither ElevenLabs nor Gemini has a key. */
    notConfigured: string;
    tooLarge: string;
    /** The provider failed, or the file could not be fetched. */
    failed: string;
    /** Transcribed to no words. */
    empty: string;
    /** Shows the user what was understood. */
    heard(text: string): string;
    /** Above the main menu when the words match no command. */
    noMatch: string;
    /** Above the button that opens the buy flow. */
    buy: string;
  };
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
  commands: {
    start: string;
    create: string;
    video: string;
    tools: string;
    balance: string;
    buy: string;
    invite: string;
    bonus: string;
    language: string;
    help: string;
  };
}

export type { Language } from '@genbot/users';

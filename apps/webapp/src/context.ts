import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api';
import type { Language, T } from './i18n';

export type Tab = 'create' | 'generations' | 'tools' | 'balance' | 'invite' | 'bonus';

export interface Session {
  api: Api;
  t: T;
  language: Language;
  /** A number of credits in words: `credits(5)` → "5 кредитов". */
  credits: (n: number) => string;
  go: (tab: Tab) => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the app');
  return session;
}

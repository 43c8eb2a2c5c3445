import type { GenerationMode } from './generation-mode';
import type { Options } from './catalog';
import type { MediaFamily } from '@genbot/storage';

export type { MediaFamily };

export type GenerationStatus = 'waiting_payment' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const FINAL_STATUSES: GenerationStatus[] = ['succeeded', 'failed', 'cancelled'];

/** An input file: one of ours (uploaded, by data id and storage key) or a URL given by the client. */
export interface GenerationInput {
  type: MediaFamily;
  dataId?: string;
  storageKey?: string;
  url?: string;
  contentType?: string;
}

export type GenerationSource = 'miniapp' | 'service' | 'bot';

export interface Generation {
  id: string;
  userId: string;
  modelId: string;
  mode: GenerationMode;
  status: GenerationStatus;
  prompt: string | null;
  options: Options;
  inputs: GenerationInput[];
  priceCredits: number;
  isTrial: boolean;
  holdId: string | null;
  provider: string | null;
  providerModel: string | null;
  externalId: string | null;
  progress: number;
  error: string | null;
  source: GenerationSource;
  serviceType: string | null;
  description: string | null;
  chatId: string | null;
  messageId: number | null;
  promptMessageId: number | null;
  language: 'uz' | 'ru' | 'en' | null;
  deliveredAt: Date | null;
  meta: Record<string, unknown>;
  startedAt: Date | null;
  deadlineAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface GenerationResult {
  id: string;
  generationId: string;
  idx: number;
  storageKey: string;
  contentType: string;
  sizeBytes: number;
  createdAt: Date;
  expiresAt: Date | null;
}

export function isFinal(status: GenerationStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

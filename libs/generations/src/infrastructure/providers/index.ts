import { FalAdapter } from './fal/fal.adapter';
import { LocalProvider } from './local/local.provider';
import { WavespeedAdapter } from './wavespeed/wavespeed.adapter';

/** Every provider adapter; the registry routes each model to its provider or its fallback. */
export const PROVIDER_ADAPTERS = [WavespeedAdapter, FalAdapter, LocalProvider];

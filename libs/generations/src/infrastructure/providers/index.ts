import { ElevenLabsAdapter } from './elevenlabs/elevenlabs.adapter';
import { FalAdapter } from './fal/fal.adapter';
import { GeminiAdapter } from './gemini/gemini.adapter';
import { LocalProvider } from './local/local.provider';
import { TalkingHeadChainProvider } from './talking-head/talking-head-chain.provider';
import { WavespeedAdapter } from './wavespeed/wavespeed.adapter';

export { GeminiKeyPool } from './gemini/gemini-key-pool';

/** Every provider adapter; the registry routes each model to its provider or its fallback. */
export const PROVIDER_ADAPTERS = [WavespeedAdapter, FalAdapter, ElevenLabsAdapter, GeminiAdapter, LocalProvider, TalkingHeadChainProvider];

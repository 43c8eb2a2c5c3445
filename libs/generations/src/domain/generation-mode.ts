/** What a model does with its inputs; the catalog, a generation and the provider port all speak it. */
export type GenerationMode = 't2i' | 'i2i' | 'tool' | 'tts' | 'i2v' | 'talking_head';

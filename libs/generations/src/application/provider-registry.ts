import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@genbot/core';
import type { CatalogModel } from '../domain/catalog';
import { GenerationMode, GenerationProvider } from './ports/generation-provider';

export const GENERATION_PROVIDERS = Symbol('GENERATION_PROVIDERS');

export interface Route {
  provider: GenerationProvider;
  providerModel: string;
}

/** Picks who runs a model: its provider when configured, else its fallback (usually `local`). */
@Injectable()
export class ProviderRegistry {
  private readonly byName: Map<string, GenerationProvider>;

  constructor(@Inject(GENERATION_PROVIDERS) providers: GenerationProvider[]) {
    this.byName = new Map(providers.map((provider) => [provider.name, provider]));
  }

  get(name: string): GenerationProvider | undefined {
    return this.byName.get(name);
  }

  /** The route a new generation takes, or undefined when nobody can run the model now. */
  route(model: CatalogModel, mode: GenerationMode): Route | undefined {
    const primary = this.byName.get(model.provider);
    if (primary?.isConfigured())
      return { provider: primary, providerModel: mode === 'i2i' && model.providerModelI2i ? model.providerModelI2i : model.providerModel };
    const fallback = model.fallbackProvider ? this.byName.get(model.fallbackProvider) : undefined;
    if (fallback?.isConfigured() && model.fallbackModel) return { provider: fallback, providerModel: model.fallbackModel };
    return undefined;
  }

  routeOrThrow(model: CatalogModel, mode: GenerationMode): Route {
    const route = this.route(model, mode);
    if (!route)
      throw new DomainError(
        'GENERATION_PROVIDER_UNAVAILABLE',
        `${model.displayName} is unavailable right now: its provider (${model.provider}) is not configured`,
        { model: model.slug, provider: model.provider, retryAfterSeconds: 60 },
      );
    return route;
  }
}

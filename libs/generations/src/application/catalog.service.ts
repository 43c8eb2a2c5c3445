import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CacheBus, DomainError, LayeredCache, afterCommit } from '@genbot/core';
import type { CatalogModel, PriceRule } from '../domain/catalog';
import { CatalogRepository, ModelPatch } from '../infrastructure/catalog.repository';

export type { ModelPatch };

const KEY = 'all';

/** What an operator's change did, for the audit row written in the same transaction. */
export interface CatalogChange {
  before: CatalogModel;
  after: CatalogModel;
}

/**
 * Catalog reads, cached as seed 002 does: 60 s in process memory, 300 s in Redis. An operator's
 * change to a model or a price invalidates it through the CacheBus, so every process drops its
 * copy as soon as Redis delivers the message, not within its memory window.
 */
@Injectable()
export class CatalogService {
  private readonly cache: LayeredCache<CatalogModel[]>;

  constructor(
    private readonly repository: CatalogRepository,
    caches: CacheBus,
  ) {
    this.cache = caches.create({ namespace: 'catalog', memoryTtlMs: 60_000, redisTtlSeconds: 300 });
  }

  async all(): Promise<CatalogModel[]> {
    return (await this.cache.get(KEY, () => this.repository.all())) ?? [];
  }

  /** Any model by slug, active or not (operators edit inactive ones too), else 404. */
  async bySlug(slug: string): Promise<CatalogModel> {
    const model = (await this.all()).find((m) => m.slug === slug);
    if (!model) throw new DomainError('GENERATION_MODEL_NOT_FOUND', `No model ${slug}`, { model: slug });
    return model;
  }

  /**
   * Changes a model's active flag, name or order; `audit` runs in the same transaction. Every
   * process forgets the catalog once it commits.
   */
  update(slug: string, patch: ModelPatch, audit: (em: EntityManager, change: CatalogChange) => Promise<void>): Promise<CatalogModel> {
    return this.change(slug, audit, (em, model) => this.repository.update(em, model.id, patch));
  }

  /** Replaces a model's price rules, likewise. */
  setPrices(slug: string, rules: PriceRule[], audit: (em: EntityManager, change: CatalogChange) => Promise<void>): Promise<CatalogModel> {
    return this.change(slug, audit, (em, model) => this.repository.replacePrices(em, model.id, rules));
  }

  /** Generations made with each model (by id), all time. */
  generationCounts(): Promise<Map<string, number>> {
    return this.repository.generationCounts();
  }

  private async change(
    slug: string,
    audit: (em: EntityManager, change: CatalogChange) => Promise<void>,
    write: (em: EntityManager, model: CatalogModel) => Promise<void>,
  ): Promise<CatalogModel> {
    return this.repository.transaction(async (em) => {
      const before = await this.repository.lockBySlug(em, slug);
      if (!before) throw new DomainError('GENERATION_MODEL_NOT_FOUND', `No model ${slug}`, { model: slug });
      await write(em, before);
      const after = (await this.repository.lockBySlug(em, slug)) as CatalogModel;
      await audit(em, { before, after });
      await afterCommit(em, () => this.invalidate());
      return after;
    });
  }

  async active(): Promise<CatalogModel[]> {
    return (await this.all()).filter((model) => model.isActive);
  }

  /** An active model by slug (or by id), else 404. */
  async get(slugOrId: string): Promise<CatalogModel> {
    const model = (await this.active()).find((m) => m.slug === slugOrId || m.id === slugOrId);
    if (!model) throw new DomainError('GENERATION_MODEL_NOT_FOUND', `No active model ${slugOrId}`, { model: slugOrId });
    return model;
  }

  /** Any model by id, active or not: generations keep the model they were made with. */
  async byId(id: string): Promise<CatalogModel | undefined> {
    return (await this.all()).find((model) => model.id === id);
  }

  /** Seed 001's `serviceType` (animate, restore) names a model. */
  async forServiceType(serviceType: string): Promise<CatalogModel> {
    const model = (await this.active()).find((m) => m.serviceType === serviceType);
    if (!model) throw new DomainError('GENERATION_MODEL_NOT_FOUND', `No active model serves ${serviceType}`, { serviceType });
    return model;
  }

  /** Every process forgets the catalog (after a committed change). */
  invalidate(): Promise<void> {
    return this.cache.invalidate(KEY);
  }
}

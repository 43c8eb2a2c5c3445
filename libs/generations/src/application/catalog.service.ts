import { Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { DomainError, InjectRedis } from '@genbot/core';
import type { CatalogModel } from '../domain/catalog';
import { CatalogRepository } from '../infrastructure/catalog.repository';

const MEMORY_TTL_MS = 60_000;
const REDIS_TTL_SECONDS = 300;
const REDIS_KEY = 'catalog:v1';

/**
 * Catalog reads, cached as seed 002 does: 60 s in process memory, 300 s in Redis, and dropped
 * from both when an operator changes a model or a price (`invalidate`). Other processes see a
 * change within their 60 s memory window.
 */
@Injectable()
export class CatalogService {
  private memory?: { at: number; models: CatalogModel[] };

  constructor(
    private readonly repository: CatalogRepository,
    @InjectRedis() private readonly redis: Redis,
  ) {}

  async all(): Promise<CatalogModel[]> {
    if (this.memory && Date.now() - this.memory.at < MEMORY_TTL_MS) return this.memory.models;
    const cached = await this.redis.get(REDIS_KEY).catch(() => null);
    const models = cached ? (JSON.parse(cached) as CatalogModel[]) : await this.repository.all();
    if (!cached) await this.redis.set(REDIS_KEY, JSON.stringify(models), 'EX', REDIS_TTL_SECONDS).catch(() => undefined);
    this.memory = { at: Date.now(), models };
    return models;
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

  async invalidate(): Promise<void> {
    this.memory = undefined;
    await this.redis.del(REDIS_KEY);
  }
}

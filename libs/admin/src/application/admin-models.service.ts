import { Injectable } from '@nestjs/common';
import { CatalogModel, CatalogService, ModelPatch, PriceRule } from '@genbot/generations';
import { AuditActor } from '../domain/admin-role';
import { AdminAudit } from './admin-audit.service';

export interface AdminModel extends CatalogModel {
  generationCount: number;
}

/** Seed 002's model management: every model with its prices and use, edits audited, the catalog dropped in every process. */
@Injectable()
export class AdminModelsService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly audit: AdminAudit,
  ) {}

  async list(): Promise<AdminModel[]> {
    const [models, counts] = await Promise.all([this.catalog.all(), this.catalog.generationCounts()]);
    return models.map((model) => ({ ...model, generationCount: counts.get(model.id) ?? 0 }));
  }

  update(actor: AuditActor, slug: string, patch: ModelPatch): Promise<CatalogModel> {
    return this.catalog.update(slug, patch, (em, { before, after }) =>
      this.audit.recordBy(em, actor, {
        action: 'model.update',
        targetType: 'model',
        targetId: slug,
        before: { isActive: before.isActive, displayName: before.displayName, sortOrder: before.sortOrder },
        after: { isActive: after.isActive, displayName: after.displayName, sortOrder: after.sortOrder },
      }),
    );
  }

  setPrices(actor: AuditActor, slug: string, rules: PriceRule[]): Promise<CatalogModel> {
    return this.catalog.setPrices(slug, rules, (em, { before, after }) =>
      this.audit.recordBy(em, actor, { action: 'model.price', targetType: 'model', targetId: slug, before: before.prices, after: after.prices }),
    );
  }
}

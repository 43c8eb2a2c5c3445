import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { CatalogModel, PriceRule } from '../domain/catalog';

/** What an operator may change on a model (seed 002: active, name; and the display order). */
export interface ModelPatch {
  isActive?: boolean;
  displayName?: string;
  sortOrder?: number;
}

const MODEL_SELECT = `
  SELECT m.*, coalesce(json_agg(json_build_object('mode', p.mode, 'match', p.match, 'credits', p.credits, 'usd', p.usd) ORDER BY p.created_at, p.id)
                        FILTER (WHERE p.id IS NOT NULL), '[]') AS prices
  FROM models m LEFT JOIN model_prices p ON p.model_id = m.id`;

@Injectable()
export class CatalogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every model with its price rules, active or not, in display order. */
  async all(): Promise<CatalogModel[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(`${MODEL_SELECT} GROUP BY m.id ORDER BY m.sort_order, m.slug`);
    return rows.map(toModel);
  }

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The model with its prices, its row locked for the change that follows in `em`'s transaction. */
  async lockBySlug(em: EntityManager, slug: string): Promise<CatalogModel | undefined> {
    await em.query(`SELECT 1 FROM models WHERE slug = $1 FOR UPDATE`, [slug]);
    const rows: Record<string, unknown>[] = await em.query(`${MODEL_SELECT} WHERE m.slug = $1 GROUP BY m.id`, [slug]);
    return rows[0] ? toModel(rows[0]) : undefined;
  }

  async update(em: EntityManager, id: string, patch: ModelPatch): Promise<void> {
    await em.query(
      `UPDATE models SET is_active = coalesce($2, is_active), display_name = coalesce($3, display_name), sort_order = coalesce($4, sort_order), updated_at = now()
       WHERE id = $1`,
      [id, patch.isActive ?? null, patch.displayName ?? null, patch.sortOrder ?? null],
    );
  }

  /** Rules keep the order given: each is stamped with the clock, not the transaction's start. */
  async replacePrices(em: EntityManager, id: string, rules: PriceRule[]): Promise<void> {
    await em.query(`DELETE FROM model_prices WHERE model_id = $1`, [id]);
    for (const rule of rules)
      await em.query(`INSERT INTO model_prices (model_id, mode, match, credits, usd, created_at) VALUES ($1, $2, $3, $4, $5, clock_timestamp())`, [
        id,
        rule.mode,
        rule.match,
        rule.credits,
        rule.usd,
      ]);
    await em.query(`UPDATE models SET updated_at = now() WHERE id = $1`, [id]);
  }

  /** One index-only count per model (generations_model_idx), not a scan of generations. */
  async generationCounts(): Promise<Map<string, number>> {
    const rows: { id: string; count: number }[] = await this.dataSource.query(
      `SELECT m.id, (SELECT count(*)::int FROM generations g WHERE g.model_id = m.id) AS count FROM models m`,
    );
    return new Map(rows.map((row) => [row.id, row.count]));
  }
}

function toModel(row: Record<string, unknown>): CatalogModel {
  return {
    id: row.id as string,
    slug: row.slug as string,
    displayName: row.display_name as string,
    description: row.description as string | null,
    kind: row.kind as CatalogModel['kind'],
    modes: row.modes as CatalogModel['modes'],
    provider: row.provider as string,
    providerModel: row.provider_model as string,
    providerModelI2i: row.provider_model_i2i as string | null,
    fallbackProvider: row.fallback_provider as string | null,
    fallbackModel: row.fallback_model as string | null,
    optionsSchema: row.options_schema as CatalogModel['optionsSchema'],
    minInputImages: row.min_input_images as number,
    maxInputImages: row.max_input_images as number,
    outputsPerRun: row.outputs_per_run as number,
    quality: row.quality as string | null,
    avgDurationSeconds: row.avg_duration_seconds as number | null,
    timeoutSeconds: row.timeout_seconds as number,
    serviceType: row.service_type as string | null,
    isActive: row.is_active as boolean,
    sortOrder: row.sort_order as number,
    prices: (row.prices as CatalogModel['prices']).map((p) => ({ ...p, usd: p.usd === null ? null : Number(p.usd) })),
  };
}

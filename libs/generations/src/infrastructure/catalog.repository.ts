import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CatalogModel } from '../domain/catalog';

@Injectable()
export class CatalogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every model with its price rules, active or not, in display order. */
  async all(): Promise<CatalogModel[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(`
      SELECT m.*, coalesce(json_agg(json_build_object('mode', p.mode, 'match', p.match, 'credits', p.credits, 'usd', p.usd)) FILTER (WHERE p.id IS NOT NULL), '[]') AS prices
      FROM models m LEFT JOIN model_prices p ON p.model_id = m.id
      GROUP BY m.id ORDER BY m.sort_order, m.slug`);
    return rows.map((row) => ({
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
    }));
  }
}

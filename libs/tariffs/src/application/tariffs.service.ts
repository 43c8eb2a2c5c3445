import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Tariff, tariffNotFound } from '../domain/tariff';
import { TariffEntity } from '../infrastructure/tariff.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The credit packages on sale; operators edit the table, so nothing here is cached. */
@Injectable()
export class TariffsService {
  constructor(@InjectRepository(TariffEntity) private readonly tariffs: Repository<TariffEntity>) {}

  /** Active tariffs in display order; with `currency`, only those priced in it. */
  async listActive(currency?: string): Promise<Tariff[]> {
    const rows = await this.tariffs.find({ where: { active: true }, order: { sort: 'ASC', credits: 'ASC' } });
    return currency ? rows.filter((row) => row.prices[currency] !== undefined) : rows;
  }

  /** By id or slug, active or not (a payment in flight may name a tariff withdrawn since). */
  async get(ref: string): Promise<Tariff> {
    const row = UUID.test(ref) ? await this.tariffs.findOneBy({ id: ref }) : await this.tariffs.findOneBy({ slug: ref });
    if (!row) throw tariffNotFound(ref);
    return row;
  }

  async setActive(ref: string, active: boolean): Promise<void> {
    const tariff = await this.get(ref);
    await this.tariffs.update({ id: tariff.id }, { active });
  }
}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TariffsService } from './application/tariffs.service';
import { TariffEntity } from './infrastructure/tariff.entity';

@Module({
  imports: [TypeOrmModule.forFeature([TariffEntity])],
  providers: [TariffsService],
  exports: [TariffsService],
})
export class TariffsModule {}

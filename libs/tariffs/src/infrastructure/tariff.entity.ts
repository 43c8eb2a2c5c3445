import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

const bigintAsNumber = { to: (value: number) => value, from: (value: string | null) => (value === null ? null : Number(value)) };

@Entity('tariffs')
export class TariffEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 64, unique: true }) slug: string;
  @Column({ type: 'jsonb' }) title: Record<'uz' | 'ru' | 'en', string>;
  @Column({ type: 'bigint', transformer: bigintAsNumber }) credits: number;
  @Column({ type: 'jsonb' }) prices: Record<string, number>;
  @Column({ name: 'monthly_tokens', type: 'integer', nullable: true }) monthlyTokens: number | null;
  @Column({ type: 'varchar', length: 32, nullable: true }) badge: string | null;
  @Column({ type: 'boolean' }) active: boolean;
  @Column({ type: 'integer' }) sort: number;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

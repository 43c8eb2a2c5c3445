import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PaymentProvider, PaymentStatus, RefundStatus } from '../domain/payment';

const bigintAsNumber = { to: (value: number) => value, from: (value: string | null) => (value === null ? null : Number(value)) };

@Entity('payments')
export class PaymentEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 16 }) provider: PaymentProvider;
  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true }) externalId: string | null;
  @Column({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ name: 'tariff_id', type: 'uuid', nullable: true }) tariffId: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) plan: string | null;
  @Column({ name: 'amount_minor', type: 'bigint', transformer: bigintAsNumber }) amountMinor: number;
  @Column({ type: 'varchar', length: 8 }) currency: string;
  @Column({ type: 'bigint', transformer: bigintAsNumber }) credits: number;
  @Column({ type: 'varchar', length: 16, default: 'pending' }) status: PaymentStatus;
  @Column({ name: 'refund_status', type: 'varchar', length: 16, nullable: true }) refundStatus: RefundStatus | null;
  @Column({ name: 'refunded_minor', type: 'bigint', transformer: bigintAsNumber, default: 0 }) refundedMinor: number;
  @Column({ name: 'refunded_credits', type: 'bigint', transformer: bigintAsNumber, default: 0 }) refundedCredits: number;
  @Column({ name: 'referral_reward', type: 'bigint', transformer: bigintAsNumber, default: 0 }) referralReward: number;
  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true }) idempotencyKey: string | null;
  @Column({ name: 'payment_url', type: 'text', nullable: true }) paymentUrl: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt: Date;
  @Column({ name: 'succeeded_at', type: 'timestamptz', nullable: true }) succeededAt: Date | null;
}

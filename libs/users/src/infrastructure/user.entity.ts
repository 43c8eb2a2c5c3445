import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** The `users` table. Writes that must be race-free go through UsersRepository's SQL. */
@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'telegram_id', type: 'bigint', unique: true }) telegramId: string;
  @Column({ type: 'varchar', length: 64, nullable: true }) username: string | null;
  @Column({ name: 'first_name', type: 'varchar', length: 256, nullable: true }) firstName: string | null;
  @Column({ name: 'last_name', type: 'varchar', length: 256, nullable: true }) lastName: string | null;
  @Column({ name: 'language_code', type: 'varchar', length: 16, nullable: true }) languageCode: string | null;
  @Column({ type: 'varchar', length: 2, nullable: true }) language: 'uz' | 'ru' | 'en' | null;
  @Column({ name: 'referral_code', type: 'varchar', length: 16, unique: true }) referralCode: string;
  @Column({ name: 'referrer_id', type: 'uuid', nullable: true }) referrerId: string | null;
  @Column({ name: 'advertising_source', type: 'varchar', length: 64, nullable: true }) advertisingSource: string | null;
  @Column({ name: 'consent_pd', type: 'boolean', default: false }) consentPd: boolean;
  @Column({ name: 'consent_pd_at', type: 'timestamptz', nullable: true }) consentPdAt: Date | null;
  @Column({ name: 'anon_user_id', type: 'varchar', length: 128, nullable: true }) anonUserId: string | null;
  @Column({ type: 'varchar', length: 320, nullable: true }) email: string | null;
  @Column({ name: 'avatar_url', type: 'text', nullable: true }) avatarUrl: string | null;
  @Column({ name: 'is_banned', type: 'boolean', default: false }) isBanned: boolean;
  @Column({ name: 'ban_reason', type: 'text', nullable: true }) banReason: string | null;
  @Column({ name: 'banned_at', type: 'timestamptz', nullable: true }) bannedAt: Date | null;
  @Column({ name: 'blocked_at', type: 'timestamptz', nullable: true }) blockedAt: Date | null;
  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true }) reviewedAt: Date | null;
  @Column({ name: 'selected_voice_id', type: 'varchar', length: 64, nullable: true }) selectedVoiceId: string | null;
  @Column({ name: 'last_activity_at', type: 'timestamptz', nullable: true }) lastActivityAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

/** One row per user per day with any activity: daily active users without scanning logs. */
@Entity('user_daily_activity')
export class UserDailyActivityEntity {
  @PrimaryColumn({ type: 'date' }) day: string;
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ type: 'integer', default: 1 }) updates: number;
  @Column({ name: 'first_seen_at', type: 'timestamptz' }) firstSeenAt: Date;
  @Column({ name: 'last_seen_at', type: 'timestamptz' }) lastSeenAt: Date;
}

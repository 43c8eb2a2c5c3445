import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, CacheBus, LayeredCache } from '@genbot/core';
import { TokenService } from '@genbot/auth';
import { Admin, AdminRole, AuditActor } from '../domain/admin-role';
import { adminConfiguredOwner, adminExists, adminNotFound } from '../domain/admin.errors';
import { AdminsRepository } from '../infrastructure/admins.repository';
import { AdminAudit } from './admin-audit.service';

/**
 * Who is an admin, with which role. Owners from ADMIN_TELEGRAM_IDS are implicit and fixed (the
 * config is their source of truth, so a lost database or a mistaken removal never locks the
 * operator out); owners add, re-role and remove the rest. Every request re-reads the role through
 * a cache that every process drops on change, so a removal or demotion takes effect at once.
 */
@Injectable()
export class AdminsService {
  private readonly cache: LayeredCache<{ role: AdminRole | null }>;
  private readonly configuredOwners: ReadonlySet<string>;

  constructor(
    private readonly admins: AdminsRepository,
    private readonly audit: AdminAudit,
    private readonly tokens: TokenService,
    @InjectDataSource() private readonly dataSource: DataSource,
    config: AppConfig,
    caches: CacheBus,
  ) {
    this.configuredOwners = new Set(config.env.ADMIN_TELEGRAM_IDS);
    this.cache = caches.create({ namespace: 'admins', memoryTtlMs: 30_000, redisTtlSeconds: 300 });
  }

  /** The role of a Telegram id, or undefined if it is no admin. Called on every admin request. */
  async roleOf(telegramId: string): Promise<AdminRole | undefined> {
    if (this.configuredOwners.has(telegramId)) return 'owner';
    const cached = await this.cache.get(telegramId, async () => ({ role: (await this.admins.roleOf(telegramId)) ?? null }));
    return cached?.role ?? undefined;
  }

  async list(): Promise<Admin[]> {
    const configured: Admin[] = [...this.configuredOwners].map((telegramId) => ({
      telegramId,
      role: 'owner',
      source: 'config',
      addedBy: null,
      createdAt: null,
    }));
    return [...configured, ...(await this.admins.all()).filter((admin) => !this.configuredOwners.has(admin.telegramId))];
  }

  async add(actor: AuditActor, telegramId: string, role: AdminRole): Promise<Admin> {
    if (this.configuredOwners.has(telegramId)) throw adminExists(telegramId);
    const admin = await this.dataSource.transaction(async (em) => {
      const added = await this.admins.insert(telegramId, role, actor.telegramId, em);
      if (!added) throw adminExists(telegramId);
      await this.audit.recordBy(em, actor, { action: 'admin.add', targetType: 'admin', targetId: telegramId, before: null, after: { role } });
      return added;
    });
    await this.cache.invalidate(telegramId);
    return admin;
  }

  async changeRole(actor: AuditActor, telegramId: string, role: AdminRole): Promise<Admin> {
    if (this.configuredOwners.has(telegramId)) throw adminConfiguredOwner(telegramId);
    const admin = await this.dataSource.transaction(async (em) => {
      const current = await this.admins.lock(telegramId, em);
      if (!current) throw adminNotFound(telegramId);
      if (current.role === role) return current;
      await this.admins.setRole(telegramId, role, em);
      await this.audit.recordBy(em, actor, {
        action: 'admin.change_role',
        targetType: 'admin',
        targetId: telegramId,
        before: { role: current.role },
        after: { role },
      });
      return { ...current, role };
    });
    await this.cache.invalidate(telegramId);
    return admin;
  }

  /** Removes the admin and ends their sessions: their access tokens stop working with the next request. */
  async remove(actor: AuditActor, telegramId: string): Promise<void> {
    if (this.configuredOwners.has(telegramId)) throw adminConfiguredOwner(telegramId);
    await this.dataSource.transaction(async (em) => {
      const current = await this.admins.lock(telegramId, em);
      if (!current) throw adminNotFound(telegramId);
      await this.admins.delete(telegramId, em);
      await this.audit.recordBy(em, actor, { action: 'admin.remove', targetType: 'admin', targetId: telegramId, before: { role: current.role }, after: null });
      await this.tokens.revokeSubject({ kind: 'admin', telegramId }, 'removed', em);
    });
    await this.cache.invalidate(telegramId);
  }
}

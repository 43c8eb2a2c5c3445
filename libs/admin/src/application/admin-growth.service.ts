import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AdSourcesService, AdminLotteryEntryView, CreateLotteryInput, LotteriesService, Lottery, LotteryEntry, SourceStatsReport } from '@genbot/growth';
import { AuditActor } from '../domain/admin-role';
import { AdminAudit } from './admin-audit.service';

/**
 * Seed 001's lotteries and the ad-source figures for operators. The lottery changes are growth's
 * own statements, so each audit row is written right after its change succeeds (as refunds are).
 */
@Injectable()
export class AdminGrowthService {
  constructor(
    private readonly lotteries: LotteriesService,
    private readonly sources: AdSourcesService,
    private readonly audit: AdminAudit,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async createLottery(actor: AuditActor, input: CreateLotteryInput): Promise<Lottery> {
    const lottery = await this.lotteries.create(input);
    await this.dataSource.transaction((em) =>
      this.audit.recordBy(em, actor, {
        action: 'lottery.create',
        targetType: 'lottery',
        targetId: lottery.id,
        after: {
          title: lottery.title,
          startDate: lottery.startDate,
          endDate: lottery.endDate,
          prizes: lottery.prizes,
          rules: lottery.rules,
          seedHash: lottery.seedHash,
        },
      }),
    );
    return lottery;
  }

  listLotteries(): Promise<Lottery[]> {
    return this.lotteries.list();
  }

  entries(lotteryId: string): Promise<AdminLotteryEntryView[]> {
    return this.lotteries.entries(lotteryId);
  }

  /** Approves or rejects an entry's social links; a review that changes nothing is not audited. */
  async reviewEntry(actor: AuditActor, entryId: string, approved: boolean): Promise<LotteryEntry> {
    const before = await this.lotteries.entry(entryId);
    const after = await this.lotteries.reviewSocial(entryId, approved);
    if (after.socialStatus !== before.socialStatus)
      await this.dataSource.transaction((em) =>
        this.audit.recordBy(em, actor, {
          action: 'lottery.entry_review',
          targetType: 'lottery_entry',
          targetId: entryId,
          before: { socialStatus: before.socialStatus },
          after: { socialStatus: after.socialStatus, lotteryId: after.lotteryId, userId: after.userId },
        }),
      );
    return after;
  }

  sourceStats(query: { from?: string; to?: string; source?: string }): Promise<SourceStatsReport> {
    return this.sources.report(query);
  }
}

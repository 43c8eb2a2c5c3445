import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { DiscountOffersService } from '../application/discount-offers.service';
import { LotteriesService } from '../application/lotteries.service';

export const GROWTH_QUEUE = 'growth';
export const DRAW_LOTTERIES_EVERY_MS = 60_000;
export const OFFER_DISCOUNTS_EVERY_MS = 10 * 60_000;

/** Jobs of the `growth` queue and their payloads. */
export interface GrowthJobMap {
  'growth.draw-lotteries': Record<string, never>;
  'growth.offer-discounts': Record<string, never>;
}

/**
 * Draws ended lotteries and makes due discount offers. Ticks on two workers at once are safe: a
 * draw locks its lottery, an offer's row is the gate for its message.
 */
@Processor(GROWTH_QUEUE)
export class GrowthProcessor extends WorkerHost {
  private readonly logger = new Logger(GrowthProcessor.name);

  constructor(
    private readonly lotteries: LotteriesService,
    private readonly discounts: DiscountOffersService,
  ) {
    super();
  }

  async process(job: Job<GrowthJobMap[keyof GrowthJobMap]>): Promise<{ drawn: number } | { offered: number }> {
    switch (job.name) {
      case 'growth.draw-lotteries': {
        const drawn = await this.lotteries.drawDue();
        if (drawn > 0) this.logger.log({ drawn }, 'lotteries drawn');
        return { drawn };
      }
      case 'growth.offer-discounts': {
        const offered = await this.discounts.offerDue();
        if (offered > 0) this.logger.log({ offered }, 'discount offers sent');
        return { offered };
      }
      default:
        throw new Error(`unknown growth job ${job.name}`);
    }
  }
}

/** One repeatable job per tick however many workers start (BullMQ job schedulers, upserted on boot). */
@Injectable()
export class GrowthScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(GrowthScheduler.name);

  constructor(@InjectQueue(GROWTH_QUEUE) private readonly queue: Queue) {}

  onApplicationBootstrap(): void {
    const ticks: [keyof GrowthJobMap, number][] = [
      ['growth.draw-lotteries', DRAW_LOTTERIES_EVERY_MS],
      ['growth.offer-discounts', OFFER_DISCOUNTS_EVERY_MS],
    ];
    for (const [name, every] of ticks) {
      this.queue
        .upsertJobScheduler(name, { every }, { name, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } })
        .catch((error: unknown) => this.logger.error({ err: error, job: name }, 'could not schedule a growth tick'));
    }
  }
}

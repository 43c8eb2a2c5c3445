import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { LotteriesService } from '../application/lotteries.service';

export const GROWTH_QUEUE = 'growth';
export const DRAW_LOTTERIES_EVERY_MS = 60_000;

/** Jobs of the `growth` queue and their payloads. */
export interface GrowthJobMap {
  'growth.draw-lotteries': Record<string, never>;
}

/** Draws ended lotteries. Two ticks at once (two workers) still make one draw: the draw locks its lottery. */
@Processor(GROWTH_QUEUE)
export class LotteryDrawProcessor extends WorkerHost {
  private readonly logger = new Logger(LotteryDrawProcessor.name);

  constructor(private readonly lotteries: LotteriesService) {
    super();
  }

  async process(job: Job<GrowthJobMap[keyof GrowthJobMap]>): Promise<{ drawn: number }> {
    if (job.name !== 'growth.draw-lotteries') throw new Error(`unknown growth job ${job.name}`);
    const drawn = await this.lotteries.drawDue();
    if (drawn > 0) this.logger.log({ drawn }, 'lotteries drawn');
    return { drawn };
  }
}

/** One repeatable draw tick however many workers start (a BullMQ job scheduler, upserted on boot). */
@Injectable()
export class LotteryDrawScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(LotteryDrawScheduler.name);

  constructor(@InjectQueue(GROWTH_QUEUE) private readonly queue: Queue) {}

  onApplicationBootstrap(): void {
    this.queue
      .upsertJobScheduler(
        'growth.draw-lotteries',
        { every: DRAW_LOTTERIES_EVERY_MS },
        { name: 'growth.draw-lotteries', data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      )
      .catch((error: unknown) => this.logger.error({ err: error }, 'could not schedule lottery draws'));
  }
}

import { Injectable } from '@nestjs/common';

/** Growth's "now": days, streaks and lottery periods are read from it, so tests move it instead of waiting. */
@Injectable()
export class GrowthClock {
  now(): Date {
    return new Date();
  }
}

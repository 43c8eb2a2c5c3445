// Every migration, in order. Listed by hand (not globbed) so that ts-jest, ts-node and the
// compiled build all load exactly the same set.
import { Users1764000000000 } from './1764000000000-users';
import { Ledger1764000100000 } from './1764000100000-ledger';
import { Generations1764000200000 } from './1764000200000-generations';
import { Catalog1764000300000 } from './1764000300000-catalog';
import { LedgerSpendShards1764000400000 } from './1764000400000-ledger-spend-shards';
import { GenerationsWorker1764000600000 } from './1764000600000-generations-worker';
import { LedgerCounterBounds1764000900000 } from './1764000900000-ledger-counter-bounds';
import { UsersReviewedAt1764001000000 } from './1764001000000-users-reviewed-at';
import { Tariffs1764001200000 } from './1764001200000-tariffs';
import { Payments1764001300000 } from './1764001300000-payments';
import { GenerationsActiveIndex1764001400000 } from './1764001400000-generations-active-index';
import { VoiceCommandLogs1764001500000 } from './1764001500000-voice-command-logs';
import { UsersSelectedVoice1764001600000 } from './1764001600000-users-selected-voice';
import { Characters1764001600100 } from './1764001600100-characters';
import { TalkingHeadVideo1764001600200 } from './1764001600200-talking-head-video';
import { BotAdminReportIndexes1764001700000 } from './1764001700000-bot-admin-report-indexes';
import { SessionsAdminsAudit1764001900000 } from './1764001900000-sessions-admins-audit';
import { Broadcasts1764002000000 } from './1764002000000-broadcasts';
import { Growth1764002100000 } from './1764002100000-growth';
import { DiscountOffers1764002100100 } from './1764002100100-discount-offers';
import { AdminReportIndexes1764002200000 } from './1764002200000-admin-report-indexes';
import { DiscountOfferPayment1764002300000 } from './1764002300000-discount-offer-payment';

export const MIGRATIONS = [
  Users1764000000000,
  Ledger1764000100000,
  Generations1764000200000,
  Catalog1764000300000,
  LedgerSpendShards1764000400000,
  GenerationsWorker1764000600000,
  LedgerCounterBounds1764000900000,
  UsersReviewedAt1764001000000,
  Tariffs1764001200000,
  Payments1764001300000,
  GenerationsActiveIndex1764001400000,
  VoiceCommandLogs1764001500000,
  UsersSelectedVoice1764001600000,
  Characters1764001600100,
  TalkingHeadVideo1764001600200,
  BotAdminReportIndexes1764001700000,
  SessionsAdminsAudit1764001900000,
  Broadcasts1764002000000,
  Growth1764002100000,
  DiscountOffers1764002100100,
  AdminReportIndexes1764002200000,
  DiscountOfferPayment1764002300000,
];

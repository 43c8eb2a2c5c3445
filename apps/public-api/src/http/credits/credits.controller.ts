import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Principal, UuidParam, idempotencyKeyFrom, scopedIdempotencyKey, validationFailed } from '@genbot/core';
import { LedgerService, SystemAccount, Transfer, TransferKind, seed001Type } from '@genbot/ledger';
import { User, UsersService } from '@genbot/users';
import { Auth, CurrentPrincipal } from '../../auth/auth.guard';
import { omitAbsent } from '../omit-absent';
import {
  AddCreditsDto,
  BalanceAfterDto,
  CaptureHoldDto,
  CreateHoldDto,
  CreditsTargetDto,
  HoldDto,
  HoldResolvedDto,
  SpendCreditsDto,
  TransactionDto,
  TransactionsQueryDto,
} from './dto/credits.dto';

const SOURCE_OF: Partial<Record<TransferKind, SystemAccount>> = {
  purchase: 'purchases',
  gateway_payment: 'purchases',
  promo: 'promotions',
  admin_adjustment: 'adjustments',
  refund: 'refunds',
  referral_bonus: 'bonuses',
  lottery_prize: 'bonuses',
};

/** Seed 000's credit functions and seed 001's reads, for server-to-server clients. */
@ApiTags('Credits')
@Auth('service')
@Controller('api/v1')
export class CreditsController {
  constructor(
    private readonly ledger: LedgerService,
    private readonly users: UsersService,
  ) {}

  @Post('credits/add')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add credits to a user (seed 000 add_credits)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same as body idempotencyKey' })
  @ApiOkResponse({ type: BalanceAfterDto })
  async add(@CurrentPrincipal() principal: Principal, @Body() body: AddCreditsDto, @Headers('idempotency-key') header?: string): Promise<BalanceAfterDto> {
    const user = await this.target(body);
    const kind = body.kind ?? 'admin_adjustment';
    const { transfer } = await this.ledger.transfer({
      idempotencyKey: this.key(principal, body.idempotencyKey, header, 'add'),
      from: { system: SOURCE_OF[kind] ?? 'adjustments' },
      to: { userId: user.id },
      amount: body.amount,
      kind,
      meta: { reason: body.reason, client: principal.name },
    });
    return this.after(user, transfer);
  }

  @Post('credits/spend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Spend credits (seed 000 spend_credits); 402 when the available balance is short' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same as body idempotencyKey' })
  @ApiOkResponse({ type: BalanceAfterDto })
  async spend(@CurrentPrincipal() principal: Principal, @Body() body: SpendCreditsDto, @Headers('idempotency-key') header?: string): Promise<BalanceAfterDto> {
    const user = await this.target(body);
    const { transfer } = await this.ledger.transfer({
      idempotencyKey: this.key(principal, body.idempotencyKey, header, 'spend'),
      from: { userId: user.id },
      to: { system: 'generation_spend' },
      amount: body.amount,
      kind: 'charge',
      meta: { reason: body.reason, client: principal.name },
    });
    return this.after(user, transfer);
  }

  @Post('credits/holds')
  @ApiOperation({ summary: 'Reserve credits until captured, released or expired' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same as body idempotencyKey' })
  @ApiCreatedResponse({ type: HoldDto })
  async hold(@CurrentPrincipal() principal: Principal, @Body() body: CreateHoldDto, @Headers('idempotency-key') header?: string): Promise<HoldDto> {
    const user = await this.target(body);
    const { hold } = await this.ledger.reserve({
      idempotencyKey: this.key(principal, body.idempotencyKey, header, 'hold'),
      userId: user.id,
      amount: body.amount,
      ttlSeconds: body.ttlSeconds,
      meta: { client: principal.name },
    });
    return { holdId: hold.id, userId: user.id, amount: hold.amount, expiresAt: hold.timeoutAt!.toISOString() };
  }

  @Post('credits/holds/:holdId/capture')
  @HttpCode(200)
  @ApiOperation({ summary: 'Charge all or part of a hold; a retry moves nothing; 409 when released, expired or over the hold' })
  @ApiOkResponse({ type: HoldResolvedDto })
  async capture(@Param('holdId', new UuidParam('holdId')) holdId: string, @Body() body: CaptureHoldDto): Promise<HoldResolvedDto> {
    const { transfer } = await this.ledger.capture({ holdId, amount: body.amount });
    return this.resolved(holdId, transfer.amount);
  }

  @Post('credits/holds/:holdId/release')
  @HttpCode(200)
  @ApiOperation({ summary: 'Return a hold to the user; a retry moves nothing; 409 when already captured' })
  @ApiOkResponse({ type: HoldResolvedDto })
  async release(@Param('holdId', new UuidParam('holdId')) holdId: string): Promise<HoldResolvedDto> {
    await this.ledger.release({ holdId });
    return this.resolved(holdId, 0);
  }

  @Get('transactions')
  @ApiOperation({ operationId: 'transactionsList', summary: 'A user’s transactions, newest first (seed 001); next page cursor in X-Next-Cursor' })
  @ApiOkResponse({ type: TransactionDto, isArray: true })
  async transactions(@Query() query: TransactionsQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<TransactionDto[]> {
    const limit = Math.min(Math.max(Number(query.limit ?? 50), 1), 200);
    await this.users.getById(query.userId);
    const page = await this.ledger.history(query.userId, limit, query.cursor);
    if (page.length === limit) void reply.header('x-next-cursor', page[page.length - 1].id);
    return page.map((transfer) => toTransaction(transfer, query.userId));
  }

  private async target(body: CreditsTargetDto): Promise<User> {
    // @ExactlyOneOf on the DTO: one of the two is given.
    return body.userId ? this.users.getById(body.userId) : this.users.getByTelegramId(String(body.telegramId));
  }

  /**
   * Keys are scoped by client, so two clients can never collide; no key means a one-off movement.
   * The header and the body field name the same key: two different ones are a 400, since
   * silently picking one would replay (or not) a request the client did not mean.
   */
  private key(principal: Principal, bodyKey: string | undefined, header: string | undefined, operation: string): string {
    const fromHeader = idempotencyKeyFrom(header);
    if (bodyKey !== undefined && fromHeader !== undefined && bodyKey !== fromHeader) {
      throw validationFailed(
        [{ field: 'idempotencyKey', problems: ['differs from the Idempotency-Key header; send one key, or the same in both'] }],
        'Two different idempotency keys',
      );
    }
    const given = bodyKey ?? fromHeader;
    return given ? scopedIdempotencyKey(principal, operation, given) : LedgerService.oneOffKey(`api:${principal.name}:${operation}`);
  }

  private async after(user: User, transfer: Transfer): Promise<BalanceAfterDto> {
    return { success: true, userId: user.id, transferId: transfer.id, ...(await this.ledger.balance(user.id)) };
  }

  private async resolved(holdId: string, captured: number): Promise<HoldResolvedDto> {
    const hold = (await this.ledger.findTransfer(holdId))!;
    return { holdId, captured, released: hold.amount - captured, ...(await this.ledger.balance(hold.debitAccountId)) };
  }
}

const SEED_001_PROVIDERS = ['yookassa', 'stripe', 'telegram', 'manual'];

/** Seed 001's `Transaction`; what a transfer does not say (job, money, plan) is omitted, not null. */
function toTransaction(transfer: Transfer, userId: string): TransactionDto {
  const credited = transfer.creditAccountId === userId;
  const meta = transfer.meta;
  const text = (key: string) => (typeof meta[key] === 'string' ? (meta[key] as string) : null);
  const provider = text('provider');
  return omitAbsent({
    id: transfer.id,
    userId,
    jobId: text('jobId'),
    type: seed001Type(transfer, credited),
    provider: provider && SEED_001_PROVIDERS.includes(provider) ? provider : 'manual',
    status: transfer.phase === 'pending' ? 'pending' : 'success',
    amountRub: typeof meta.amountRub === 'number' ? meta.amountRub : null,
    tokensDelta: credited ? transfer.amount : -transfer.amount,
    currency: text('currency'),
    plan: text('plan'),
    reference: transfer.reference,
    meta,
    createdAt: transfer.createdAt.toISOString(),
  });
}

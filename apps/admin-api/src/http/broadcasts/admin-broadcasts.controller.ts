import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { AdminAudit } from '@genbot/admin';
import { BroadcastFilter, BroadcastView, BroadcastsService } from '@genbot/broadcasts';
import { AdminOnly, AdminRoleRequired, CurrentAdmin, CurrentAdminContext } from '../../auth/admin.guard';
import { CreateBroadcastDto, ListBroadcastsQueryDto } from './dto';

/** Seed 002's broadcast endpoints. Reading is for any admin; what sends messages needs the admin role. */
@ApiTags('Broadcasts')
@Controller('api/v1/admin/broadcasts')
export class AdminBroadcastsController {
  constructor(
    private readonly broadcasts: BroadcastsService,
    private readonly audit: AdminAudit,
    private readonly dataSource: DataSource,
  ) {}

  @Post()
  @HttpCode(201)
  @AdminRoleRequired('admin')
  @ApiOperation({ summary: 'A draft (or, with scheduledAt, a scheduled broadcast): text or media with caption, URL buttons, an audience filter' })
  async create(@CurrentAdmin() actor: CurrentAdminContext, @Body() body: CreateBroadcastDto): Promise<BroadcastView> {
    const view = await this.broadcasts.create({
      text: body.text,
      media: body.media,
      buttons: body.buttons,
      filter: body.filter as BroadcastFilter,
      scheduledAt: body.scheduledAt ? new Date(body.scheduledAt) : undefined,
      allowPaidBroadcast: body.allowPaidBroadcast,
      delivery: body.delivery,
      createdBy: actor.telegramId,
    });
    await this.record(actor, 'broadcast.create', view, { filter: view.filter, scheduledAt: view.scheduledAt, status: view.status });
    return view;
  }

  @Get()
  @AdminOnly()
  @ApiOperation({ summary: 'Broadcasts, newest first' })
  list(@Query() query: ListBroadcastsQueryDto) {
    return this.broadcasts.list(query.limit ?? 20, query.offset ?? 0);
  }

  @Get(':publicId')
  @AdminOnly()
  @ApiOperation({ summary: 'Status and live counters: total, sent, failed, blocked, pending, rate now' })
  get(@Param('publicId') publicId: string): Promise<BroadcastView> {
    return this.broadcasts.get(publicId);
  }

  @Post(':publicId/start')
  @HttpCode(200)
  @AdminRoleRequired('admin')
  @ApiOperation({ summary: 'Start a draft now (or a scheduled one ahead of time)' })
  async start(@CurrentAdmin() actor: CurrentAdminContext, @Param('publicId') publicId: string): Promise<BroadcastView> {
    const view = await this.broadcasts.start(publicId);
    await this.record(actor, 'broadcast.start', view, { status: view.status });
    return view;
  }

  @Post(':publicId/cancel')
  @HttpCode(200)
  @AdminRoleRequired('admin')
  @ApiOperation({ summary: 'Cancel: senders stop within a second' })
  async cancel(@CurrentAdmin() actor: CurrentAdminContext, @Param('publicId') publicId: string): Promise<BroadcastView> {
    const view = await this.broadcasts.cancel(publicId);
    await this.record(actor, 'broadcast.cancel', view, { status: view.status, sent: view.sent, pending: view.pending });
    return view;
  }

  @Post(':publicId/test')
  @HttpCode(200)
  @AdminOnly()
  @ApiOperation({ summary: 'Send it to the calling admin alone, as users will see it' })
  test(@CurrentAdmin() actor: CurrentAdminContext, @Param('publicId') publicId: string) {
    return this.broadcasts.testSend(publicId, actor.telegramId);
  }

  // The audit row follows the change rather than sharing its transaction: the broadcasts lib's
  // writes are its own (and a start's real effect is the worker's).
  private record(actor: CurrentAdminContext, action: string, view: BroadcastView, after: Record<string, unknown>): Promise<void> {
    return this.audit.recordBy(this.dataSource.manager, actor, { action, targetType: 'broadcast', targetId: view.publicId, before: null, after });
  }
}

import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiConsumes, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DomainError, Principal, UuidParam, idempotencyKeyFrom, scopedIdempotencyKey } from '@genbot/core';
import { CatalogService, DataService, Generation, GenerationsService, SubmitInputItem } from '@genbot/generations';
import { ObjectStorage } from '@genbot/storage';
import { UsersService } from '@genbot/users';
import { Auth, CurrentPrincipal } from '../../auth/auth.guard';
import { withSingleFile } from '../multipart';
import { CreateJobDto, DataDto, DataTypeDto, JobDto, JobsQueryDto, PresignDto, PresignResponseDto } from './dto/jobs.dto';

const SERVICE_MODELS: Record<string, string> = { animate: 'animate', restore: 'restore', drawing: 'drawing' };

/** Seed 001's data and jobs endpoints for server-to-server clients, shape for shape. */
@ApiTags('Data and jobs')
@Auth('service')
@Controller('api/v1')
export class JobsController {
  constructor(
    private readonly generations: GenerationsService,
    private readonly catalog: CatalogService,
    private readonly data: DataService,
    private readonly users: UsersService,
    private readonly storage: ObjectStorage,
  ) {}

  @Post('data')
  @ApiConsumes('multipart/form-data')
  @ApiOperation({ operationId: 'dataUploadMultipart', summary: 'Upload a file (fields `file` and `type`)' })
  @ApiCreatedResponse({ type: DataDto })
  async upload(@Req() request: FastifyRequest): Promise<DataDto> {
    const data = await withSingleFile(request, this.data.maxUploadBytes, async ({ file, contentType, fields }) => {
      const type = fields.type;
      if (!['image', 'video', 'text', 'audio'].includes(type)) {
        throw new DomainError('VALIDATION_FAILED', 'type must be one of image, video, text, audio', {
          fields: [{ field: 'type', problems: ['must be one of image, video, text, audio'] }],
        });
      }
      return this.data.upload({ userId: null, type: type as DataTypeDto['type'], data: file, declaredType: contentType });
    });
    return this.dataView(data);
  }

  @Post('data/presign')
  @HttpCode(200)
  @ApiOperation({ operationId: 'dataGetPresign', summary: 'A URL to PUT the file to directly, then confirm' })
  @ApiOkResponse({ type: PresignResponseDto })
  async presign(@Body() body: PresignDto): Promise<PresignResponseDto> {
    const { data, uploadUrl, headers, expiresInSeconds } = await this.data.presign({ userId: null, type: body.type, contentType: body.contentType });
    return { dataId: data.id, uploadUrl, expiresInSeconds, fields: headers };
  }

  @Post('data/:dataId/confirm')
  @HttpCode(200)
  @ApiOperation({ operationId: 'dataConfirmUpload', summary: 'Check the uploaded bytes and make the data usable' })
  @ApiOkResponse({ type: DataDto })
  async confirm(@Param('dataId', new UuidParam('dataId')) dataId: string): Promise<DataDto> {
    return this.dataView(await this.data.confirm(dataId));
  }

  @Post('jobs')
  @ApiOperation({ operationId: 'jobsCreate', summary: 'Create a job: reserves tokens when the balance covers the price, else waiting_payment' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: JobDto })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateJobDto, @Headers('idempotency-key') key?: string): Promise<JobDto> {
    const user = await this.users.getById(body.userId);
    const inputs: SubmitInputItem[] = [];
    for (const [i, io] of body.input.entries()) {
      // A url is fetched by submit into storage; the worker never fetches client URLs.
      inputs.push(
        ...(io.dataId ? await this.data.asInputs([io.dataId], user.id, { serviceClient: true }) : [{ type: io.type, url: io.url, field: `input[${i}].url` }]),
      );
    }
    const model = await this.catalog.forServiceType(SERVICE_MODELS[body.serviceType]);
    const given = idempotencyKeyFrom(key);
    const generation = await this.generations.submit({
      userId: user.id,
      model: model.slug,
      inputs,
      prompt: body.description,
      source: 'service',
      serviceType: body.serviceType,
      description: body.description ?? null,
      idempotencyKey: given ? scopedIdempotencyKey(principal, 'jobs', given) : undefined,
      waitForPayment: true,
      meta: { client: principal.name },
    });
    return this.jobView(generation);
  }

  @Get('jobs')
  @ApiOperation({ operationId: 'jobsList', summary: 'A user’s jobs, newest first' })
  @ApiOkResponse({ type: [JobDto] })
  async list(@Query() query: JobsQueryDto): Promise<JobDto[]> {
    await this.users.getById(query.userId);
    return Promise.all((await this.generations.list(query.userId)).map((g) => this.jobView(g)));
  }

  @Get('jobs/:jobId')
  @ApiOperation({ operationId: 'jobsGet' })
  @ApiOkResponse({ type: JobDto })
  async get(@Param('jobId', new UuidParam('jobId')) jobId: string): Promise<JobDto> {
    return this.jobView(await this.generations.get(jobId));
  }

  @Post('jobs/:jobId/cancel')
  @HttpCode(200)
  @ApiOperation({ operationId: 'jobsCancel', summary: 'Cancel a job the provider has not started; the reserve is released' })
  @ApiOkResponse({ type: JobDto })
  async cancel(@Param('jobId', new UuidParam('jobId')) jobId: string): Promise<JobDto> {
    return this.jobView(await this.generations.cancel(await this.generations.get(jobId)));
  }

  private async dataView(data: Awaited<ReturnType<DataService['get']>>): Promise<DataDto> {
    return DataDto.from(data, await this.data.url(data.storageKey), this.storage.publicUrl(data.storageKey));
  }

  private async jobView(generation: Generation): Promise<JobDto> {
    const results = await this.generations.results(generation.id);
    const withUrls = await Promise.all(results.map(async (result) => ({ result, url: await this.data.url(result.storageKey) })));
    // The request fingerprint is ours (idempotency), not part of the client's meta.
    const { requestFingerprint: _fingerprint, ...meta } = generation.meta;
    return JobDto.from({ ...generation, meta }, await this.catalog.byId(generation.modelId), withUrls);
  }
}

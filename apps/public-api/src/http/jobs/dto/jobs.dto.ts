import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsObject, IsOptional, IsString, IsUUID, IsUrl, Length, MaxLength, ValidateNested } from 'class-validator';
import { ExactlyOneOf } from '@genbot/core';
import type { CatalogModel, DataObject, Generation, GenerationResult } from '@genbot/generations';
import { omitAbsent } from '../../omit-absent';

const MEDIA = ['image', 'video', 'text', 'audio'] as const;

/** Seed 001's `IOObject`. As an input it names its data by exactly one of dataId or url. */
@ExactlyOneOf('dataId', 'url')
export class IOObjectDto {
  @ApiProperty({ enum: MEDIA }) @IsIn(MEDIA) type: (typeof MEDIA)[number];
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() dataId?: string;
  @ApiPropertyOptional({ example: 'https://example.com/photo.jpg' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  url?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject() meta?: Record<string, unknown>;
}

export class CreateJobDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() userId: string;
  @ApiProperty({
    enum: ['animate', 'restore', 'drawing'],
    description: 'animate / restore (seed 001), drawing (seed 003: several images from a child’s drawing)',
  })
  @IsIn(['animate', 'restore', 'drawing'])
  serviceType: string;
  @ApiPropertyOptional({ maxLength: 300 }) @IsOptional() @IsString() @MaxLength(300) description?: string;
  @ApiProperty({ type: [IOObjectDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(14)
  @ValidateNested({ each: true })
  @Type(() => IOObjectDto)
  input: IOObjectDto[];
}

export class DataTypeDto {
  @ApiProperty({ enum: MEDIA }) @IsIn(MEDIA) type: (typeof MEDIA)[number];
}

export class PresignDto extends DataTypeDto {
  @ApiProperty({ example: 'photo.jpg' }) @IsString() @Length(1, 200) fileName: string;
  @ApiProperty({ example: 'image/jpeg' }) @IsString() @Length(3, 100) contentType: string;
}

export class JobsQueryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() userId: string;
}

/** Seed 001's `Data`. */
export class DataDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: MEDIA }) type: string;
  @ApiProperty({ description: 'Where the object lives (a signed URL when storage is private)' }) s3Url: string;
  @ApiPropertyOptional({ description: 'The object’s permanent public URL; present only when storage has a public base URL (S3_PUBLIC_BASE_URL)' })
  publicS3Url?: string;
  @ApiProperty({ example: 604800, description: 'Seconds until the object is removed' }) expiredIn: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(data: DataObject, url: string, publicUrl: string | undefined): DataDto {
    return omitAbsent({
      id: data.id,
      type: data.type,
      s3Url: url,
      publicS3Url: publicUrl,
      expiredIn: data.expiresAt ? Math.max(0, Math.round((data.expiresAt.getTime() - Date.now()) / 1000)) : 0,
      createdAt: data.createdAt.toISOString(),
    });
  }
}

export class PresignResponseDto {
  @ApiProperty({ format: 'uuid' }) dataId: string;
  @ApiProperty() uploadUrl: string;
  @ApiProperty({ example: 900 }) expiresInSeconds: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'Headers to send with the PUT' }) fields: Record<string, string>;
}

/** Seed 001's service types; others (seed 003's `drawing`) are reported in `meta.serviceType`. */
const SEED_001_SERVICE_TYPES = ['animate', 'restore'];

/**
 * Seed 001's `Job`: a generation seen through its schema. Fields we have no value for (orderId and
 * priceRub: jobs are paid in credits, not per order; resultUrl before a result) are omitted.
 */
export class JobDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ format: 'uuid' }) modelId: string;
  @ApiPropertyOptional({ description: 'Absent: jobs are paid from the credit balance, not by an order' }) orderId?: string;
  @ApiPropertyOptional({ enum: SEED_001_SERVICE_TYPES, description: 'Absent for jobs of other kinds (see meta.serviceType)' }) serviceType?: string;
  @ApiProperty({ enum: ['waiting_payment', 'queued', 'processing', 'done', 'failed'] }) status: string;
  @ApiPropertyOptional({ description: 'Absent: prices are in credits (tokensReserved / tokensConsumed)' }) priceRub?: number;
  @ApiProperty({ example: 20 }) tokensReserved: number;
  @ApiProperty({ example: 0 }) tokensConsumed: number;
  @ApiProperty({ type: [IOObjectDto] }) input: IOObjectDto[];
  @ApiProperty({ type: [IOObjectDto] }) output: IOObjectDto[];
  @ApiPropertyOptional({ description: 'The first output’s URL, once there is one' }) resultUrl?: string;
  @ApiProperty({ minimum: 0, maximum: 100 }) progress: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) meta: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static from(g: Generation, model: CatalogModel | undefined, results: { result: GenerationResult; url: string }[]): JobDto {
    const status = { waiting_payment: 'waiting_payment', queued: 'queued', running: 'processing', succeeded: 'done', failed: 'failed', cancelled: 'failed' }[
      g.status
    ];
    const output = results.map(({ result, url }) => ({
      type: result.contentType.split('/')[0] as IOObjectDto['type'],
      url,
      meta: { contentType: result.contentType, sizeBytes: result.sizeBytes },
    }));
    const open = g.status === 'queued' || g.status === 'running';
    const seed001Type = g.serviceType !== null && SEED_001_SERVICE_TYPES.includes(g.serviceType);
    return omitAbsent({
      id: g.id,
      userId: g.userId,
      modelId: g.modelId,
      serviceType: seed001Type ? g.serviceType : null,
      status,
      tokensReserved: open && !g.isTrial ? g.priceCredits : 0,
      tokensConsumed: g.status === 'succeeded' ? g.priceCredits : 0,
      input: g.inputs.map((i) => ({ type: i.type, ...(i.dataId ? { dataId: i.dataId } : {}), ...(i.url ? { url: i.url } : {}) })),
      output,
      resultUrl: output[0]?.url,
      progress: g.progress,
      meta: {
        ...g.meta,
        model: model?.slug,
        description: g.description,
        trial: g.isTrial,
        ...(g.serviceType && !seed001Type ? { serviceType: g.serviceType } : {}),
        ...(g.error ? { error: g.error } : {}),
      },
      createdAt: g.createdAt.toISOString(),
      updatedAt: g.updatedAt.toISOString(),
    });
  }
}

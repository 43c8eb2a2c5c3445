import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsObject, IsOptional, IsString, IsUUID, IsUrl, Length, MaxLength, ValidateNested } from 'class-validator';
import type { CatalogModel, DataObject, Generation, GenerationResult } from '@genbot/generations';

const MEDIA = ['image', 'video', 'text', 'audio'] as const;

/** Seed 001's `IOObject`. */
export class IOObjectDto {
  @ApiProperty({ enum: MEDIA }) @IsIn(MEDIA) type: (typeof MEDIA)[number];
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() dataId?: string;
  @ApiPropertyOptional({ example: 'https://example.com/photo.jpg' }) @IsOptional() @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }) url?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject() meta?: Record<string, unknown>;
}

export class CreateJobDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() userId: string;
  @ApiProperty({ enum: ['animate', 'restore', 'drawing'], description: 'animate / restore (seed 001), drawing (seed 003: several images from a child’s drawing)' })
  @IsIn(['animate', 'restore', 'drawing'])
  serviceType: string;
  @ApiPropertyOptional({ maxLength: 300 }) @IsOptional() @IsString() @MaxLength(300) description?: string;
  @ApiProperty({ type: [IOObjectDto] }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(14) @ValidateNested({ each: true }) @Type(() => IOObjectDto) input: IOObjectDto[];
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
  @ApiPropertyOptional({ nullable: true }) publicS3Url: string | null;
  @ApiProperty({ example: 604800, description: 'Seconds until the object is removed' }) expiredIn: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(data: DataObject, url: string, publicUrl: string | undefined): DataDto {
    return {
      id: data.id,
      type: data.type,
      s3Url: url,
      publicS3Url: publicUrl ?? null,
      expiredIn: data.expiresAt ? Math.max(0, Math.round((data.expiresAt.getTime() - Date.now()) / 1000)) : 0,
      createdAt: data.createdAt.toISOString(),
    };
  }
}

export class PresignResponseDto {
  @ApiProperty({ format: 'uuid' }) dataId: string;
  @ApiProperty() uploadUrl: string;
  @ApiProperty({ example: 900 }) expiresInSeconds: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'Headers to send with the PUT' }) fields: Record<string, string>;
}

/** Seed 001's `Job`: a generation seen through its schema. */
export class JobDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ format: 'uuid' }) modelId: string;
  @ApiPropertyOptional({ nullable: true }) orderId: string | null;
  @ApiPropertyOptional({ nullable: true, enum: ['animate', 'restore', 'drawing'] }) serviceType: string | null;
  @ApiProperty({ enum: ['waiting_payment', 'queued', 'processing', 'done', 'failed'] }) status: string;
  @ApiPropertyOptional({ nullable: true, example: null }) priceRub: number | null;
  @ApiProperty({ example: 20 }) tokensReserved: number;
  @ApiProperty({ example: 0 }) tokensConsumed: number;
  @ApiProperty({ type: [IOObjectDto] }) input: IOObjectDto[];
  @ApiProperty({ type: [IOObjectDto] }) output: IOObjectDto[];
  @ApiPropertyOptional({ nullable: true }) resultUrl: string | null;
  @ApiProperty({ minimum: 0, maximum: 100 }) progress: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) meta: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static from(g: Generation, model: CatalogModel | undefined, results: { result: GenerationResult; url: string }[]): JobDto {
    const status = { waiting_payment: 'waiting_payment', queued: 'queued', running: 'processing', succeeded: 'done', failed: 'failed', cancelled: 'failed' }[g.status];
    const output = results.map(({ result, url }) => ({ type: result.contentType.split('/')[0] as IOObjectDto['type'], url, meta: { contentType: result.contentType, sizeBytes: result.sizeBytes } }));
    const open = g.status === 'queued' || g.status === 'running';
    return {
      id: g.id,
      userId: g.userId,
      modelId: g.modelId,
      orderId: null,
      serviceType: g.serviceType,
      status,
      priceRub: null,
      tokensReserved: open && !g.isTrial ? g.priceCredits : 0,
      tokensConsumed: g.status === 'succeeded' ? g.priceCredits : 0,
      input: g.inputs.map((i) => ({ type: i.type, ...(i.dataId ? { dataId: i.dataId } : {}), ...(i.url ? { url: i.url } : {}) })),
      output,
      resultUrl: output[0]?.url ?? null,
      progress: g.progress,
      meta: { ...g.meta, model: model?.slug, description: g.description, trial: g.isTrial, ...(g.error ? { error: g.error } : {}) },
      createdAt: g.createdAt.toISOString(),
      updatedAt: g.updatedAt.toISOString(),
    };
  }
}

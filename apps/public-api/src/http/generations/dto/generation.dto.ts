import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsPositive, IsString, IsUUID, IsUrl, Length, Max, Min } from 'class-validator';
import { ExactlyOneOf, IsTelegramId, SAFE_INT_MAX } from '@genbot/core';
import type { CatalogModel, Generation, GenerationResult } from '@genbot/generations';

/**
 * Model options as seed 002 sends them: top-level fields next to `model_id`. Which of them a model
 * takes, and their values, is checked against the model's schema by the generations lib.
 */
export class ModelOptionsDto {
  @ApiPropertyOptional({ example: '1024*1024' }) @IsOptional() @IsString() @Length(1, 32) size?: string;
  @ApiPropertyOptional({ example: 'medium' }) @IsOptional() @IsString() @Length(1, 32) quality?: string;
  @ApiPropertyOptional({ example: '2k' }) @IsOptional() @IsString() @Length(1, 32) resolution?: string;
  @ApiPropertyOptional({ example: '16:9' }) @IsOptional() @IsString() @Length(1, 32) aspect_ratio?: string;
  @ApiPropertyOptional({ example: 'high', description: 'gpt-image-1.5 edits only' }) @IsOptional() @IsString() @Length(1, 32) input_fidelity?: string;
  @ApiPropertyOptional({ example: 'png' }) @IsOptional() @IsString() @Length(1, 16) output_format?: string;
  @ApiPropertyOptional({ example: '4k', description: 'upscale' }) @IsOptional() @IsString() @Length(1, 16) target_resolution?: string;
  @ApiPropertyOptional({ example: 'Normal', description: 'A tool’s variant (denoise, restore, enhance)' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  model?: string;
  @ApiPropertyOptional({ example: '5' }) @IsOptional() @IsString() @Length(1, 8) duration?: string;
  @ApiPropertyOptional({ example: 4 }) @IsOptional() @IsInt() @Min(1) @Max(8) count?: number;
  @ApiPropertyOptional({ example: '21m00Tcm4TlvDq8ikWAM' }) @IsOptional() @IsString() @Length(1, 64) voice_id?: string;
}

export const OPTION_FIELDS = [
  'size',
  'quality',
  'resolution',
  'aspect_ratio',
  'input_fidelity',
  'output_format',
  'target_resolution',
  'model',
  'duration',
  'count',
  'voice_id',
] as const;

export function optionsOf(dto: ModelOptionsDto): Record<string, unknown> {
  return Object.fromEntries(OPTION_FIELDS.filter((key) => dto[key] !== undefined).map((key) => [key, dto[key]]));
}

export class PriceRequestDto extends ModelOptionsDto {
  @ApiProperty({ example: 'seedream-v4', description: 'Model slug (or id)' }) @IsString() @Length(1, 64) model_id: string;
  @ApiPropertyOptional({ enum: ['t2i', 'i2i', 'tool', 'tts', 'i2v', 'talking_head'] })
  @IsOptional()
  @IsIn(['t2i', 'i2i', 'tool', 'tts', 'i2v', 'talking_head'])
  mode?: string;
  @ApiPropertyOptional({ example: 1, description: 'How many input images (decides t2i vs i2i pricing)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(14)
  image_count?: number;
}

export class SubmitRequestDto extends ModelOptionsDto {
  @ApiProperty({ example: 'seedream-v4' }) @IsString() @Length(1, 64) model_id: string;
  @ApiPropertyOptional({ enum: ['t2i', 'i2i', 'tool', 'tts', 'i2v', 'talking_head'] })
  @IsOptional()
  @IsIn(['t2i', 'i2i', 'tool', 'tts', 'i2v', 'talking_head'])
  mode?: string;
  @ApiPropertyOptional({ example: 'a red fox in the snow, watercolor' }) @IsOptional() @IsString() @Length(1, 4000) prompt?: string;
  @ApiPropertyOptional({ type: [String], description: 'Input image URLs (https)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(14)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { each: true })
  image_urls?: string[];
  @ApiPropertyOptional({ type: [String], description: 'Ids returned by POST /media/upload' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(14)
  @IsUUID('4', { each: true })
  media_ids?: string[];
  @ApiPropertyOptional({ example: 123456789, description: 'Push the result to this chat' })
  @IsOptional()
  @IsInt()
  @Min(-SAFE_INT_MAX)
  @Max(SAFE_INT_MAX)
  chat_id?: number;
  @ApiPropertyOptional({ example: 42, description: 'A progress message to edit as it goes' })
  @IsOptional()
  @IsInt()
  @IsPositive()
  @Max(SAFE_INT_MAX)
  message_id?: number;
  @ApiPropertyOptional({ example: 41, description: 'The user’s prompt message, replied to' })
  @IsOptional()
  @IsInt()
  @IsPositive()
  @Max(SAFE_INT_MAX)
  prompt_message_id?: number;
  @ApiPropertyOptional({ enum: ['uz', 'ru', 'en'] }) @IsOptional() @IsIn(['uz', 'ru', 'en']) language?: 'uz' | 'ru' | 'en';
}

@ExactlyOneOf('image_url', 'media_id')
export class ToolRequestDto {
  @ApiPropertyOptional({ example: '123456789', description: 'Must be the caller (seed 002 sends it)' })
  @IsOptional()
  @IsTelegramId({ strings: true })
  telegram_id?: string;
  @ApiPropertyOptional({ example: 'https://example.com/photo.jpg' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  image_url?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Instead of image_url: an id from POST /media/upload' }) @IsOptional() @IsUUID('4') media_id?: string;
  @ApiPropertyOptional({ example: 'png' }) @IsOptional() @IsString() @Length(1, 16) output_format?: string;
  @ApiPropertyOptional({ example: '4k' }) @IsOptional() @IsString() @Length(1, 16) target_resolution?: string;
  @ApiPropertyOptional({ example: 'Normal' }) @IsOptional() @IsString() @Length(1, 64) model?: string;
  @ApiPropertyOptional({ example: '2048*2048' }) @IsOptional() @IsString() @Length(1, 32) size?: string;
  @ApiPropertyOptional({ example: 123456789 }) @IsOptional() @IsInt() @Min(-SAFE_INT_MAX) @Max(SAFE_INT_MAX) chat_id?: number;
  @ApiPropertyOptional({ enum: ['uz', 'ru', 'en'] }) @IsOptional() @IsIn(['uz', 'ru', 'en']) language?: 'uz' | 'ru' | 'en';
}

export class TelegramIdQueryDto {
  @ApiPropertyOptional({ example: '123456789' }) @IsOptional() @IsTelegramId({ strings: true }) telegram_id?: string;
}

export class QuoteDto {
  @ApiProperty({ example: 'seedream-v4' }) modelId: string;
  @ApiProperty({ example: 't2i' }) mode: string;
  @ApiProperty({ example: 27 }) price: number;
  @ApiProperty({ example: 'credits' }) currency: 'credits';
  @ApiProperty({ example: false, description: 'This would be the caller’s free trial' }) trial: boolean;
  @ApiProperty({ example: { size: '2048*2048' } }) options: Record<string, string | number>;
}

export class GenerationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'seedream-v4' }) modelId: string;
  @ApiProperty({ example: 't2i' }) mode: string;
  @ApiProperty({ enum: ['waiting_payment', 'queued', 'running', 'succeeded', 'failed', 'cancelled'] }) status: string;
  @ApiProperty({ example: 40 }) progress: number;
  @ApiProperty({ example: 27 }) price: number;
  @ApiProperty({ example: false }) trial: boolean;
  @ApiPropertyOptional({ nullable: true }) prompt: string | null;
  @ApiProperty({ example: { size: '2048*2048' } }) options: Record<string, string | number>;
  @ApiPropertyOptional({ nullable: true, example: null }) error: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) finishedAt: string | null;

  static from(generation: Generation, model: CatalogModel | undefined): GenerationDto {
    return {
      id: generation.id,
      modelId: model?.slug ?? generation.modelId,
      mode: generation.mode,
      status: generation.status,
      progress: generation.progress,
      price: generation.priceCredits,
      trial: generation.isTrial,
      prompt: generation.prompt,
      options: generation.options,
      error: generation.error,
      createdAt: generation.createdAt.toISOString(),
      finishedAt: generation.finishedAt?.toISOString() ?? null,
    };
  }
}

export class ResultDto {
  @ApiProperty({ example: 0 }) index: number;
  @ApiProperty({ example: 'https://files.example.com/users/…/results/…-0.png' }) url: string;
  @ApiProperty({ example: 'image/png' }) contentType: string;
  @ApiProperty({ example: 183220 }) sizeBytes: number;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) expiresAt: string | null;

  static from(result: GenerationResult, url: string): ResultDto {
    return { index: result.idx, url, contentType: result.contentType, sizeBytes: result.sizeBytes, expiresAt: result.expiresAt?.toISOString() ?? null };
  }
}

export class ResultsDto {
  @ApiProperty({ format: 'uuid' }) generationId: string;
  @ApiProperty({ example: 'succeeded' }) status: string;
  @ApiProperty({ type: [ResultDto] }) results: ResultDto[];
}

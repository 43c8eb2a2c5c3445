import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsDateString, IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { FILTER_KINDS } from '@genbot/broadcasts';

export class BroadcastMediaDto {
  @ApiProperty({ enum: ['photo', 'video', 'document'] }) @IsIn(['photo', 'video', 'document']) type: 'photo' | 'video' | 'document';
  @ApiPropertyOptional({ example: 'https://example.com/sale.jpg' }) @IsOptional() @IsString() @Length(1, 2048) url?: string;
  @ApiPropertyOptional({ description: 'A Telegram file_id already uploaded' }) @IsOptional() @IsString() @Length(1, 512) fileId?: string;
}

export class BroadcastButtonDto {
  @ApiProperty({ example: 'Open' }) @IsString() @Length(1, 64) text: string;
  @ApiProperty({ example: 'https://t.me/your_bot' }) @IsString() @Length(1, 2048) url: string;
}

export class BroadcastFilterDto {
  @ApiProperty({ enum: FILTER_KINDS }) @IsIn([...FILTER_KINDS]) kind: (typeof FILTER_KINDS)[number];
  @ApiPropertyOptional({ description: 'active: days since the last activity' }) @IsOptional() @IsInt() @Min(1) @Max(3650) days?: number;
  @ApiPropertyOptional({ example: 'uz' }) @IsOptional() @IsString() @Length(1, 16) language?: string;
  @ApiPropertyOptional({ description: 'source: the ad source users came from' }) @IsOptional() @IsString() @Length(1, 64) source?: string;
  @ApiPropertyOptional() @IsOptional() @IsDateString() from?: string;
  @ApiPropertyOptional() @IsOptional() @IsDateString() to?: string;
}

/** The filter as query parameters (seed 002: `filter_type`, default all). */
export class AudienceCountQueryDto {
  @ApiPropertyOptional({ enum: FILTER_KINDS, default: 'all' }) @IsOptional() @IsIn([...FILTER_KINDS]) filter_type?: (typeof FILTER_KINDS)[number];
  @ApiPropertyOptional({ description: 'active: days since the last activity' }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(3650) days?: number;
  @ApiPropertyOptional({ example: 'uz' }) @IsOptional() @IsString() @Length(1, 16) language?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 64) source?: string;
  @ApiPropertyOptional() @IsOptional() @IsDateString() from?: string;
  @ApiPropertyOptional() @IsOptional() @IsDateString() to?: string;
}

export class CreateBroadcastDto {
  @ApiProperty({ example: '<b>Sale</b> today', description: 'HTML; the caption when media is given' }) @IsString() @Length(0, 8192) text: string;
  @ApiPropertyOptional({ enum: ['HTML'] }) @IsOptional() @IsIn(['HTML']) parseMode?: 'HTML';
  @ApiPropertyOptional({ type: BroadcastMediaDto }) @IsOptional() @ValidateNested() @Type(() => BroadcastMediaDto) media?: BroadcastMediaDto;
  @ApiPropertyOptional({ description: 'Rows of URL buttons: [[{text, url}]]', type: 'array', items: { type: 'array', items: { type: 'object' } } })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => BroadcastButtonDto)
  buttons?: BroadcastButtonDto[][];
  @ApiProperty({ type: BroadcastFilterDto }) @ValidateNested() @Type(() => BroadcastFilterDto) filter: BroadcastFilterDto;
  @ApiPropertyOptional() @IsOptional() @IsDateString() scheduledAt?: string;
  @ApiPropertyOptional({ description: 'Telegram paid broadcasts: up to 1000 msg/s, charged in Stars' }) @IsOptional() @IsBoolean() allowPaidBroadcast?: boolean;
  @ApiPropertyOptional({ enum: ['exactly_once', 'at_least_once'], description: 'What happens to a send whose answer was lost in a crash' })
  @IsOptional()
  @IsIn(['exactly_once', 'at_least_once'])
  delivery?: 'exactly_once' | 'at_least_once';
}

export class ListBroadcastsQueryDto {
  @ApiPropertyOptional({ default: 20 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000) offset?: number;
}

import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '@genbot/core';
import packageJson from '../../../../../package.json';

class HealthDto {
  @ApiProperty({ example: 'ok' }) status: 'ok';
  @ApiProperty({ example: 1234.5, description: 'Seconds since this process started' }) uptime: number;
  @ApiProperty({ example: '4f6c2a9e-8d7b-4f7e-9a51-0c1d2e3f4a5b' }) requestId: string;
}

class InfoDto {
  @ApiProperty({ example: 'genbot' }) name: string;
  @ApiProperty({ example: '0.1.0' }) version: string;
  @ApiProperty({ example: 'production' }) environment: string;
  @ApiProperty({ example: 'genbot_bot', nullable: true }) botUsername: string | null;
  @ApiProperty({ example: 'https://app.example.com', nullable: true }) miniAppUrl: string | null;
  @ApiProperty({ example: '/docs' }) docs: string;
}

const VERSION = packageJson.version;

@ApiTags('System')
@Controller()
export class SystemController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @ApiOkResponse({ type: InfoDto })
  root(): InfoDto {
    return this.info();
  }

  @Get('api/v1/health')
  @ApiOkResponse({ type: HealthDto })
  health(@Req() request: FastifyRequest): HealthDto {
    return { status: 'ok', uptime: Math.round(process.uptime() * 10) / 10, requestId: String(request.id) };
  }

  @Get('api/v1/info')
  @ApiOkResponse({ type: InfoDto })
  info(): InfoDto {
    return {
      name: 'genbot',
      version: VERSION,
      environment: this.config.env.NODE_ENV,
      botUsername: this.config.env.BOT_USERNAME ?? null,
      miniAppUrl: this.config.env.MINI_APP_URL ?? null,
      docs: '/docs',
    };
  }
}

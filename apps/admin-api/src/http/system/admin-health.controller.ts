import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';

class AdminHealthDto {
  @ApiProperty({ example: 'ok' }) status: 'ok';
  @ApiProperty({ example: 1234.5 }) uptime: number;
}

@ApiTags('System')
@Controller('api/v1/admin')
export class AdminHealthController {
  @Get('health')
  @ApiOkResponse({ type: AdminHealthDto })
  health(): AdminHealthDto {
    return { status: 'ok', uptime: Math.round(process.uptime() * 10) / 10 };
  }
}

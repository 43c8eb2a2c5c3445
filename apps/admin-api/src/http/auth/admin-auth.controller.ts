import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminAuthService, AdminClaims } from '../../auth/admin-auth.service';
import { AdminOnly, CurrentAdmin } from '../../auth/admin.guard';
import { AdminDto, LoginResponseDto, TelegramLoginDto } from './dto';

@ApiTags('Auth')
@Controller('api/v1/admin/auth')
export class AdminAuthController {
  constructor(private readonly auth: AdminAuthService) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a Telegram Login Widget payload for a JWT (allow-listed ids only)' })
  @ApiOkResponse({ type: LoginResponseDto })
  async login(@Body() body: TelegramLoginDto): Promise<LoginResponseDto> {
    const fields = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as Record<string, string | number>;
    const { accessToken, expiresIn, claims } = await this.auth.login(fields);
    return { accessToken, tokenType: 'Bearer', expiresIn, admin: toAdmin(claims) };
  }

  @Get('me')
  @AdminOnly()
  @ApiOperation({ summary: 'The administrator the token belongs to' })
  @ApiOkResponse({ type: AdminDto })
  me(@CurrentAdmin() claims: AdminClaims): AdminDto {
    return toAdmin(claims);
  }
}

function toAdmin(claims: AdminClaims): AdminDto {
  return { telegramId: claims.sub, username: claims.username, firstName: claims.firstName, role: claims.role };
}

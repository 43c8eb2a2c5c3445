import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { IssuedSession } from '@genbot/auth';
import { AdminAuthService, AdminPrincipal } from '../../auth/admin-auth.service';
import { AdminOnly, CurrentAdmin } from '../../auth/admin.guard';
import { AppConfig } from '@genbot/core';
import { AdminDto, DevLoginDto, LoginOptionsDto, LoginResponseDto, RefreshTokenDto, TelegramLoginDto } from './dto';

@ApiTags('Auth')
@Controller('api/v1/admin/auth')
export class AdminAuthController {
  constructor(
    private readonly auth: AdminAuthService,
    private readonly config: AppConfig,
  ) {}

  @Get('options')
  @ApiOperation({ summary: 'How the admin panel may sign in: the Login Widget (with the bot it names) and, outside production, the dev sign-in' })
  @ApiOkResponse({ type: LoginOptionsDto })
  options(@Req() request: FastifyRequest): LoginOptionsDto {
    return { botUsername: this.config.env.BOT_USERNAME ?? null, devLogin: this.auth.devLoginAllowed(request.ip) };
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a Telegram Login Widget payload for an access and a refresh token (admins only)' })
  @ApiOkResponse({ type: LoginResponseDto })
  async login(@Body() body: TelegramLoginDto): Promise<LoginResponseDto> {
    const fields = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as Record<string, string | number>;
    const { session, admin } = await this.auth.login(fields);
    return toResponse(session, admin);
  }

  @Post('dev-login')
  @HttpCode(200)
  @ApiOperation({
    summary: "Outside production and from this machine only (404 otherwise): sign in as an admin by Telegram id, for the panel on a developer's machine",
  })
  @ApiOkResponse({ type: LoginResponseDto })
  async devLogin(@Body() body: DevLoginDto, @Req() request: FastifyRequest): Promise<LoginResponseDto> {
    const { session, admin } = await this.auth.devLogin(String(body.telegramId), request.ip);
    return toResponse(session, admin);
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Trade the refresh token for a new pair; the old one dies, and reusing it ends the session' })
  @ApiOkResponse({ type: LoginResponseDto })
  async refresh(@Body() body: RefreshTokenDto): Promise<LoginResponseDto> {
    const { session, admin } = await this.auth.refresh(body.refreshToken);
    return toResponse(session, admin);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End the session of this refresh token (its access tokens stop working too)' })
  @ApiNoContentResponse()
  async logout(@Body() body: RefreshTokenDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }

  @Get('me')
  @AdminOnly()
  @ApiOperation({ summary: 'The administrator the token belongs to, with their current role' })
  @ApiOkResponse({ type: AdminDto })
  me(@CurrentAdmin() admin: AdminPrincipal): AdminDto {
    return toAdmin(admin);
  }
}

function toResponse(session: IssuedSession, admin: AdminPrincipal): LoginResponseDto {
  return { accessToken: session.accessToken, refreshToken: session.refreshToken, tokenType: 'Bearer', expiresIn: session.expiresIn, admin: toAdmin(admin) };
}

function toAdmin(admin: AdminPrincipal): AdminDto {
  return { telegramId: admin.telegramId, username: admin.username, firstName: admin.firstName, role: admin.role };
}

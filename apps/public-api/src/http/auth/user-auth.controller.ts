import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IssuedSession } from '@genbot/auth';
import { UserSessionsService } from '../../auth/user-sessions.service';
import { TelegramSignInDto, UserRefreshDto, UserSessionDto } from './dto';

/** Seed 004's token sessions for first-party apps (issue 11). */
@ApiTags('Auth')
@Controller('api/v1/auth')
export class UserAuthController {
  constructor(private readonly sessions: UserSessionsService) {}

  @Post('telegram')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with Mini App initData or a Login Widget payload; registers the user on first sign-in' })
  @ApiOkResponse({ type: UserSessionDto })
  async telegram(@Body() body: TelegramSignInDto): Promise<UserSessionDto> {
    const widget = body.loginWidget
      ? (Object.fromEntries(Object.entries(body.loginWidget).filter(([, value]) => value !== undefined)) as Record<string, string | number>)
      : undefined;
    const { session, user, created } = await this.sessions.signIn({ initData: body.initData, loginWidget: widget });
    return {
      ...toDto(session),
      user: { telegramId: user.telegramId, username: user.username, firstName: user.firstName, language: user.language, created },
    };
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Trade the refresh token for a new pair; the old one dies, and reusing it ends the session' })
  @ApiOkResponse({ type: UserSessionDto })
  async refresh(@Body() body: UserRefreshDto): Promise<UserSessionDto> {
    return toDto(await this.sessions.refresh(body.refreshToken));
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End the session of this refresh token (its access tokens stop working too)' })
  @ApiNoContentResponse()
  async logout(@Body() body: UserRefreshDto): Promise<void> {
    await this.sessions.logout(body.refreshToken);
  }
}

function toDto(session: IssuedSession): UserSessionDto {
  return { accessToken: session.accessToken, refreshToken: session.refreshToken, tokenType: 'Bearer', expiresIn: session.expiresIn };
}

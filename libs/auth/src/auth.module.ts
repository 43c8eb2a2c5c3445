import { Module } from '@nestjs/common';
import { SettingDefaultsRegistry } from '@genbot/core';
import { TokenService } from './application/token.service';
import { AUTH_SETTING_DEFAULTS } from './domain/session';
import { RefreshTokenRepository } from './infrastructure/refresh-token.repository';

@Module({
  providers: [RefreshTokenRepository, TokenService],
  exports: [TokenService],
})
export class AuthModule {
  constructor(settings: SettingDefaultsRegistry) {
    settings.add(AUTH_SETTING_DEFAULTS);
  }
}

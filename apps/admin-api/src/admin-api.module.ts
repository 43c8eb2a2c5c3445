import { DynamicModule, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig, CoreModule } from '@genbot/core';
import { AdminAuthService } from './auth/admin-auth.service';
import { AdminGuard } from './auth/admin.guard';
import { AdminAuthController } from './http/auth/admin-auth.controller';
import { AdminHealthController } from './http/system/admin-health.controller';

@Module({})
export class AdminApiModule {
  static register(config: AppConfig, jwtSecret: string): DynamicModule {
    return {
      module: AdminApiModule,
      imports: [
        CoreModule.forRoot(config, 'admin-api'),
        JwtModule.register({
          secret: jwtSecret,
          signOptions: { algorithm: 'HS256', issuer: 'genbot-admin' },
          verifyOptions: { algorithms: ['HS256'], issuer: 'genbot-admin' },
        }),
      ],
      controllers: [AdminHealthController, AdminAuthController],
      providers: [AdminAuthService, AdminGuard],
    };
  }
}

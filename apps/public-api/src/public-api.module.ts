import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, CoreModule } from '@genbot/core';
import { UsersModule } from '@genbot/users';
import { AuthGuard } from './auth/auth.guard';
import { SystemController } from './http/system/system.controller';
import { MiniAppUsersController } from './http/users/miniapp-users.controller';
import { ServiceUsersController } from './http/users/service-users.controller';

@Module({})
export class PublicApiModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: PublicApiModule,
      imports: [CoreModule.forRoot(config, 'public-api'), UsersModule],
      controllers: [SystemController, ServiceUsersController, MiniAppUsersController],
      providers: [AuthGuard],
    };
  }
}

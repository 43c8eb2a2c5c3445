import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Idempotent, UuidParam } from '@genbot/core';
import { OnboardingService } from '@genbot/growth';
import { LedgerService } from '@genbot/ledger';
import { User, UsersService, userBanned } from '@genbot/users';
import { Auth } from '../../auth/auth.guard';
import { RegisterOrLoginDto, UpdateConsentDto } from './dto/requests.dto';
import { ServiceUserDto } from './dto/user.dto';

/** Seed 001's user operations for server-to-server clients. */
@ApiTags('Users')
@Auth('service')
@Controller('api/v1/users')
export class ServiceUsersController {
  constructor(
    private readonly onboarding: OnboardingService,
    private readonly users: UsersService,
    private readonly ledger: LedgerService,
  ) {}

  @Post('register-or-login')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ operationId: 'usersRegisterOrLogin', summary: 'Register on first contact or return the existing user' })
  @ApiOkResponse({ type: ServiceUserDto })
  async registerOrLogin(@Body() body: RegisterOrLoginDto): Promise<ServiceUserDto> {
    const { user } = await this.onboarding.register(body);
    if (user.isBanned) throw userBanned();
    return this.toDto(user);
  }

  @Get(':userId')
  @ApiOperation({ operationId: 'usersGetById', summary: 'A user by id' })
  @ApiOkResponse({ type: ServiceUserDto })
  async get(@Param('userId', new UuidParam('userId')) userId: string): Promise<ServiceUserDto> {
    return this.toDto(await this.users.getById(userId));
  }

  @Patch(':userId/consent')
  @ApiOperation({ operationId: 'usersUpdateConsent', summary: 'Record consent to personal data processing' })
  @ApiOkResponse({ type: ServiceUserDto })
  async consent(@Param('userId', new UuidParam('userId')) userId: string, @Body() body: UpdateConsentDto): Promise<ServiceUserDto> {
    return this.toDto(await this.users.setConsent(userId, body.consentPd));
  }

  private async toDto(user: User): Promise<ServiceUserDto> {
    return ServiceUserDto.from(user, (await this.ledger.balance(user.id)).balance);
  }
}

import type { DynamicModule, Type } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { CoreModule } from '@genbot/core';
import { testConfig } from './test-config';

/** A Nest context with the real test PostgreSQL and Redis and the given lib modules, for *.int-spec.ts. */
export async function createIntegrationModule(imports: (Type<unknown> | DynamicModule)[], overrides: Record<string, string> = {}): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({ imports: [CoreModule.forRoot(testConfig(overrides), 'worker'), ...imports] }).compile();
  return moduleRef.init();
}

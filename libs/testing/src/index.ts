/** Test helpers: config for the real test services, unique ids, and fakes of outside services. */
export * from './test-config';
export * from './jest/test-env';
export * from './fake-telegram';
export * from './telegram-updates';
export * from './login-widget';
export * from './test-module';
export * from './free-port';
export * from './fake-providers/wavespeed';
export * from './fake-providers/fal';
export * from './fake-providers/elevenlabs';
export * from './fake-providers/gemini';
export * from './jest/fresh-database';
export * from './contract/seed-spec';
export * from './contract/openapi-contract';
export * from './contract/contract-recorder';
export * from './contract/seed-001-check';
export * from './fake-image-host';
export * from './malformed-input-sweep';
export * from './clock';
export * from './fake-payments';
export { LoopbackServer, readBody, sendJson } from '@genbot/sandbox';
/** User factories: funded, banned, with a language. */
export * from './user-factories';
export * from './app-process';
export * from './contract/seed-003-examples';

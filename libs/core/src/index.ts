/** Config, validated once at boot; the only reader of the environment. */
export * from './config/app-config';
export * from './config/env.schema';
export * from './config/persistent-secret';
/** The error every lib throws, and how HTTP apps render it. */
export * from './errors/domain-error';
export * from './http/error-body.filter';
export * from './http/error-status';
export * from './http/validation.pipe';
export * from './http/exactly-one-of';
export * from './http/input-safety';
export * from './http/json-body';
export * from './http/canonical-json';
/** Building, documenting and stopping the HTTP apps. */
export * from './http/create-http-app';
export * from './http/web-app';
export * from './http/idempotency.interceptor';
export * from './http/principal';
export * from './lifecycle';
/** Infrastructure: the root module, PostgreSQL, Redis, queues, the embedded default. */
export * from './core.module';
export * from './database/typeorm-options';
export * from './database/after-commit';
export * from './database/run-migrations';
export * from './redis/redis.provider';
export * from './queue/queue-names';
export * from './embedded/embedded-infra';
export * from './logging/logging.module';
export * from './http/params';
/** Prometheus metrics: the facade libs count events through, served at GET /metrics. */
export * from './metrics/metrics';
/** Read-through caches in memory and Redis, invalidated in every process on change. */
export * from './cache/cache-bus';
export * from './cache/layered-cache';
/** Operator-tunable values stored in system_settings. */
export * from './settings/settings.service';
export * from './settings/setting-defaults.registry';
export * from './http/rate-limit.guard';
export { CallerRateLimited } from './http/global-rate-limit';

// Where the tests find their real PostgreSQL and Redis. CI (.ci/run) exports both; on a
// developer machine the defaults match the local services.
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/genbot_test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15';

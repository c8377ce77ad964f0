export { app, buildApp, BODY_LIMIT } from './app.ts';
export type { AppOptions } from './app.ts';
export { serverOptions } from './server-options.ts';
export { requestIdOf, redactPath, REQUEST_ID_HEADER } from './logging.ts';
export { pingRedis } from './plugins/health.ts';
export { loadConfig, ConfigError, defaultDataDir, databaseOptions, describeDatabase, settings } from './config.ts';
export type { Config, Setting } from './config.ts';
export { runE2E, stepNames } from './e2e.ts';
export type { E2EOptions, E2EResult, StepResult } from './e2e.ts';

export { app, buildApp } from './app.ts';
export type { AppOptions } from './app.ts';
export { loadConfig, ConfigError, defaultDataDir } from './config.ts';
export type { Config } from './config.ts';

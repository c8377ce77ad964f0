// Loaded with `node --import` before a test file when the course tools want to
// know which files the test can depend on: the hooks record every file URL resolved.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url, { data: { file: process.env.HALLPASS_LOADS_FILE } });

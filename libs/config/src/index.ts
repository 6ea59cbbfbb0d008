export * from './config-error.js';
export * from './env-spec.js';
export * from './load-config.js';
export * from './common-config.js';

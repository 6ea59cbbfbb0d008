export * from './tokens.js';
export * from './runtime-options.js';
export * from './runtime-options.token.js';
export * from './runtime.module.js';
export * from './runtime-lifecycle.js';
export * from './nest-logger.js';
export * from './shutdown.js';
export * from './retry-policy.js';

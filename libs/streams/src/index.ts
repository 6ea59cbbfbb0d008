export * from './redis-connection.js';
export * from './stream-producer.js';
export * from './stream-entry.js';
export * from './stream-consumer.js';
export * from './idempotency.js';
export * from './heartbeat.js';
export * from './redis-exec.js';
export * from './fixed-window.js';

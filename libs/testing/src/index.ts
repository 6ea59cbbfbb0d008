export * from './ports.js';
export * from './wait.js';
export * from './redis-namespace.js';
export * from './repo-root.js';
export * from './livekit-server.js';
export * from './service-process.js';

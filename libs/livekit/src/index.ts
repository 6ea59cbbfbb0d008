export * from './access-token.js';
export * from './room-service.js';
export * from './guests.js';
export * from './verify-token.js';

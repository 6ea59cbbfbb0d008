export * from './schema.js';
export * from './names.js';
export * from './events.js';
export * from './text.js';
export * from './audio-blob.js';
export * from './queues.js';
export * from './guest-page.js';

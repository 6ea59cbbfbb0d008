/** Injection tokens shared by every service. */
export const CONFIG = Symbol('CONFIG');
export const LOGGER = Symbol('LOGGER');
export const METRICS = Symbol('METRICS');
/** The general-purpose Redis connection (never used for blocking commands). */
export const REDIS = Symbol('REDIS');
export const KEYS = Symbol('KEYS');
/**
 * Optional, provided by a service that has something to tell the others with each heartbeat: a
 * `HeartbeatFlags` function (`() => ({llm: 'online'})`), read at every beat.
 */
export const HEARTBEAT_FLAGS = Symbol('HEARTBEAT_FLAGS');

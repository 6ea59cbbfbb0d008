/** Injection tokens shared by every service. */
export const CONFIG = Symbol('CONFIG');
export const LOGGER = Symbol('LOGGER');
export const METRICS = Symbol('METRICS');
/** The general-purpose Redis connection (never used for blocking commands). */
export const REDIS = Symbol('REDIS');
export const KEYS = Symbol('KEYS');

export const RUNTIME_OPTIONS = Symbol('RUNTIME_OPTIONS');

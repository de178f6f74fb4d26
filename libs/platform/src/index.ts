export * from './preflight.js';
export * from './fail-fast.js';
export * from './logger.js';
export * from './metrics.js';

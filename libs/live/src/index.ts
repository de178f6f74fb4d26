export * from './live.types.js';
export * from './live-bus.js';
export * from './live.module.js';

export * from './domain-error.js';
export * from './clock.js';
export * from './clock.module.js';
export * from './pagination.js';
export * from './instant.js';
export * from './db-errors.js';

export * from './environment.js';
export * from './config.module.js';
export * from './redis.js';
export * from './connection-urls.js';

export * from './jobs.js';
export * from './handler-registry.js';
export * from './redis-connection.js';
export * from './queue.module.js';
export * from './outbox.js';
export * from './heartbeat.js';

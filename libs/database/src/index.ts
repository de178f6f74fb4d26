export * from './entities/index.js';
export * from './data-source-options.js';
export * from './ensure-database.js';
export * from './database.module.js';
export * from './migrations/index.js';
export * from './grants.js';
export * from './primary-pool.js';
export * from './transactions.js';

export * from './formats.js';
export * from './percentiles.js';
export * from './report-facts.js';
export * from './report-tables.js';
export * from './reports.module.js';
export * from './reports.service.js';
export * from './reports.types.js';
export * from './rollups.js';

export * from './uscc.js';
export * from './companies.service.js';
export * from './companies.module.js';

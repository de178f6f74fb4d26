export * from './uscc.js';

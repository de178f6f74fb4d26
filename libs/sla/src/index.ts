export * from './sla-clock.js';

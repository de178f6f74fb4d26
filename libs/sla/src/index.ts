export * from './sla-clock.js';
export * from './clock-plan.js';
export * from './sla-state-sql.js';
export { CLOCK_COLUMNS, clockOfPrefixedRow } from './clock-record.js';
export * from './sla.types.js';
export * from './sla.service.js';
export * from './sla.module.js';

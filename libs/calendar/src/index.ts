export * from './calendar.types.js';
export * from './working-time.js';
export * from './holidays.js';
export * from './zone-calendar.js';
export * from './opening-hours.js';
export * from './calendar.service.js';
export * from './calendar.module.js';

export * from './address-guard.js';
export * from './event-types.js';
export * from './secrets.js';
export * from './webhook-fan-out.js';
export * from './webhook-sender.js';
export * from './webhook-views.js';
export * from './webhooks.module.js';
export * from './webhooks.service.js';

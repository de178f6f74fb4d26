export * from './requests.types.js';
export * from './request-state.js';
export * from './request-number.js';
export * from './idempotency.js';
export * from './request-scope.js';
export * from './request-views.js';
export * from './requests.service.js';
export * from './requests.module.js';

export * from './licence-views.js';
export * from './licences.module.js';
export * from './licences.service.js';
export * from './verification-code.js';

export * from './actor.js';
export * from './password.js';
export * from './users.service.js';
export * from './auth.service.js';
export * from './admin-bootstrap.js';
export * from './identity.module.js';
export * from './login-limits.js';
export * from './service-accounts.service.js';

export * from './notifications.service.js';

export * from './catalogue.types.js';
export * from './codes.js';
export * from './item-steps.js';
export * from './matter-rules.js';
export * from './hall-rules.js';
export * from './checklist.js';

export * from './file-names.js';
export * from './file-sniff.js';
export * from './file-storage.js';
export * from './files.module.js';
export * from './files.service.js';

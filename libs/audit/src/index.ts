export * from './audit-chain.js';
export * from './audit-verifier.js';
export * from './audit-writer.js';

import 'reflect-metadata';
import { applyTestEnv } from './test-env.js';

applyTestEnv();
// Each test file gets queues of its own, so jobs of one file never reach another's workers.
process.env.QUEUE_PREFIX = `{test-${process.pid}-${Math.random().toString(36).slice(2, 8)}}`;

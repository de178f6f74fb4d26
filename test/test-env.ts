import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Jest runs spec files in two workers at once; each worker has a database of its own, so one
 * file's outbox sweep (test/outbox-backlog.ts) or counts never see another's rows. Worker 1 (and
 * a run in band) uses the base database; worker N uses `<base>_wN`, which test/global-setup.js
 * creates and migrates beside it.
 */
function workerDatabaseUrl(base: string, workerId = process.env.JEST_WORKER_ID): string {
  if (!workerId || workerId === '1') return base;
  const url = new URL(base);
  url.pathname = `${url.pathname}_w${workerId}`;
  return url.toString();
}

/** The environment every end-to-end test runs in: its own database, quiet logs, the test NODE_ENV. */
export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  // Two jest workers, some files with two apis and two workers each: within MariaDB's 151 connections.
  DATABASE_POOL_SIZE: '12',
  LOG_LEVEL: 'silent',
  DATABASE_URL: workerDatabaseUrl(process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/one_thing_test'),
  REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  ADMIN_PASSWORD: 'admin-test-password-1',
  JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
  // Every test logs in from 127.0.0.1, many times a minute; test/login-limits.e2e-spec.ts sets its own limits.
  LOGIN_RATE_PER_ADDRESS: '1000000',
  LOGIN_RATE_PER_USERNAME: '1000000',
  LOGIN_MAX_FAILURES: '1000',
  // The suites make many requests a minute with a few tokens; test/rate-limits.e2e-spec.ts sets its own limits.
  RATE_LIMIT_APPLICANT: '1000000',
  RATE_LIMIT_CLERK: '1000000',
  RATE_LIMIT_APPROVER: '1000000',
  RATE_LIMIT_MANAGER: '1000000',
  RATE_LIMIT_ADMIN: '1000000',
  RATE_LIMIT_SYSTEM: '1000000',
  // The webhooks' receivers of the tests listen on this machine.
  WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  // No metrics port for the tests' workers; test/operations.e2e-spec.ts opens its own.
  WORKER_METRICS_PORT: '0',
  // Uploaded materials land outside the checkout, a folder per worker: blobs are shared by content,
  // and one worker's sweep of unreferenced blobs must not see another's database.
  FILES_DIR: join(tmpdir(), `one-thing-test-files-w${process.env.JEST_WORKER_ID ?? '1'}`),
};

export function applyTestEnv(): void {
  Object.assign(process.env, TEST_ENV);
}

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TEST_ENV } from './test-env.js';

/** Runs a built entry point the way a deployment does (npm test builds first). */
function start(app: 'api' | 'worker', env: Record<string, string>) {
  const entry = fileURLToPath(new URL(`../dist/apps/${app}/src/main.js`, import.meta.url));
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build`);
  return spawnSync(process.execPath, [entry], {
    env: { ...process.env, ...TEST_ENV, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('a start with a service missing', () => {
  it.each(['api', 'worker'] as const)('%s stops with one line naming Redis, its address and how to start it', (app) => {
    const result = start(app, { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^${app}: Redis is not reachable at redis://127\\.0\\.0\\.1:1 \\(ECONNREFUSED\\): start it .*or set REDIS_URL\\.$`,
      ),
    );
  });

  it('api stops with one line naming MySQL when it is not there', () => {
    const result = start('api', { DATABASE_URL: 'mysql://root:secret@127.0.0.1:1/one_thing' });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /^api: MySQL is not reachable at mysql:\/\/root:\*\*\*@127\.0\.0\.1:1\/one_thing \(ECONNREFUSED\): start it/,
      ),
    ]);
  });

  it('api refuses production without secrets, naming them', () => {
    const result = start('api', {
      NODE_ENV: 'production',
      JWT_SECRET: '',
      ADMIN_PASSWORD: '',
      WEBHOOK_SECRET_KEY: '',
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'api: Invalid configuration: JWT_SECRET is required in production; WEBHOOK_SECRET_KEY is required in production; ADMIN_PASSWORD is required in production',
    ]);
  });
});

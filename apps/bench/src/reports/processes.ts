import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { UNLIMITED_CALLERS } from '../limits.js';
import { ADMIN_PASSWORD, databaseUrl, queuePrefix } from './settings.js';

/** A file of the built apps: this file is dist/apps/bench/src/reports/processes.js. */
const dist = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

const childEnv = (extra: Record<string, string> = {}) => ({
  ...process.env,
  NODE_ENV: 'development',
  DATABASE_URL: databaseUrl,
  QUEUE_PREFIX: queuePrefix,
  ADMIN_PASSWORD,
  LOG_LEVEL: 'warn',
  ...UNLIMITED_CALLERS,
  ...extra,
});

/** A built entry of the apps (`cli/src/main.js`, `api/src/main.js`) run on the bench's database. */
export function node(entry: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [dist(entry), ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}
export const exited = (child: ChildProcess) =>
  new Promise<number>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (c) => resolve(c ?? 0)),
  );

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Waits for the api at `base` to answer its health check (about 30 s at the most). */
export async function apiStarted(base: string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      // not yet
    }
    if (i > 150) throw new Error('the api did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One call of the api as a client makes it; a status other than 2xx throws with the answer. */
export async function api(base: string, token: string | null, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

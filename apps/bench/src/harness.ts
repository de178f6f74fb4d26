import { createRedis, parseRedisUrl } from '#config';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * The processes of the intake benches (`main.ts`, `scaled.ts`): the built apps started as child
 * processes on a bench database and queue prefix of their own, their CPU time, and their end, also
 * when the bench fails or is interrupted (Ctrl-C, SIGTERM).
 */
export const say = (line: string) => process.stdout.write(`${line}\n`);

/** A file of the built apps: this file is dist/apps/bench/src/harness.js. */
export const dist = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export const ADMIN_PASSWORD = 'bench-admin-2026';
export const serverUrl = new URL(process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/one_thing');
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The bench's own Redis connections (one Redis or a Redis Cluster, as REDIS_URL says). */
export const benchRedis = (lazyConnect = false) =>
  createRedis({ redis: parseRedisUrl(redisUrl) }, { lazyConnect, maxRetriesPerRequest: 1 });

/** Where one bench run keeps its data: a database and a queue prefix no one else uses. */
export interface BenchTarget {
  databaseName: string;
  databaseUrl: string;
  queuePrefix: string;
}

export function benchTarget(databaseName: string, queuePrefix: string): BenchTarget {
  const databaseUrl = Object.assign(new URL(serverUrl.href), { pathname: `/${databaseName}` }).href;
  return { databaseName, databaseUrl, queuePrefix };
}

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

const childEnv = (target: BenchTarget, extra: Record<string, string>) => ({
  ...process.env,
  NODE_ENV: 'development',
  DATABASE_URL: target.databaseUrl,
  REDIS_URL: redisUrl,
  QUEUE_PREFIX: target.queuePrefix,
  ADMIN_PASSWORD,
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  // No worker metrics port: several workers share this machine (and another bench's may run).
  WORKER_METRICS_PORT: '0',
  ...extra,
});

const children = new Set<ChildProcess>();
/** Set on Ctrl-C: no process is started any more while the clean-up runs. */
let stopping = false;

/**
 * A built entry (`api/src/main.js`, …) as a child process on the target, with node's own
 * arguments before it and the entry's after it; stderr shows through.
 */
export function run(
  target: BenchTarget,
  entry: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
  args: string[] = [],
): ChildProcess {
  if (stopping) throw new Error(`interrupted: ${entry} not started`);
  const child = spawn(process.execPath, [...nodeArgs, dist(entry), ...args], {
    env: childEnv(target, env),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

export function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode ?? 1);
    else child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** Ends every child still running: SIGTERM, then SIGKILL for one not gone within 15 s. */
export async function stopChildren(): Promise<void> {
  await Promise.all(
    [...children].map(async (child) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.kill('SIGTERM');
      await exited(child);
      clearTimeout(kill);
    }),
  );
}

// A bench that crashes past its clean-up leaves no child behind.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * Runs `cleanUp` (once) on Ctrl-C, SIGTERM or SIGHUP, then exits; the bench's own `finally` calls
 * the same function, so whichever comes first does the work and the other waits for it.
 */
export function cleanUpOnSignal(cleanUp: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      stopping = true;
      process.stderr.write(`\n${signal}: stopping the processes, dropping the bench database…\n`);
      cleanUp().finally(() => process.exit(130));
    });
  }
}

/** `fn` run once; later calls get the first call's promise. */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  return () => (running ??= fn());
}

/** Runs the setup command of the cli on the target (migrations, demo catalogue and users). */
export async function setUpDatabase(target: BenchTarget): Promise<void> {
  const code = await exited(run(target, 'cli/src/main.js', { LOG_LEVEL: 'warn' }, [], ['setup']));
  if (code !== 0) throw new Error(`setup exited with ${code}`);
}

export async function waitFor(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** CPU seconds a process has used (user + system), from /proc; null where there is no /proc. */
export function cpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * The pid of a server the benches measure, when it runs on this machine as the process named
 * (another instance of the same server, on another port, is not it).
 */
export function localServerPid(pid: number, names: readonly string[]): number | undefined {
  try {
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    return names.includes(comm) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The machine's load as `uptime` shows it: the benches print it, the figures depend on it. */
export function loadLine(): string {
  const [one, five, fifteen] = loadavg().map((n) => n.toFixed(2));
  return `load average ${one} ${five} ${fifteen} on ${availableParallelism()} cores`;
}

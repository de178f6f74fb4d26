import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { Redis } from 'ioredis';
import { eventually } from '../helpers.js';

/**
 * A MariaDB and a Redis of a suite's own, each its own process on its own port, data folder and
 * socket under the system's temporary folder: a suite may stop, kill and start them again, as an
 * operator's restart would, without touching the shared servers (3306, 6379) other suites and people
 * use. Both are removed, folders and all, by `remove()`.
 */

const isRoot = process.getuid?.() === 0;

/** A TCP port nothing listens on now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The first of `names` found as an executable in /usr/sbin, /usr/bin or on the PATH. */
function program(...names: string[]): string {
  for (const name of names) {
    for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin']) {
      if (existsSync(join(dir, name))) return join(dir, name);
    }
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
    if (found) return found;
  }
  throw new Error(`none of ${names.join(', ')} is installed: apt-get install mariadb-server redis-server`);
}

/** Until the child has exited (SIGKILL after `graceMs`). */
function ended(child: ChildProcess, signal: NodeJS.Signals, graceMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

export interface PrivateMariaDb {
  port: number;
  /** The DATABASE_URL of `database` on it (root, no password, over TCP). */
  url(database: string): string;
  /** Starts mariadbd on the data folder (again), until it answers. */
  start(): Promise<void>;
  /** Stops it as `systemctl stop` does (SIGTERM: a clean shutdown), until it has exited. */
  stop(): Promise<void>;
  running(): boolean;
  /** Stops it if running and removes its folder. */
  remove(): Promise<void>;
  /** The end of its error log, for a failure's message. */
  log(): string;
}

/** A MariaDB of its own: a data folder made by mariadb-install-db, then mariadbd on a free port. */
export async function privateMariaDb(name: string): Promise<PrivateMariaDb> {
  const server = program('mariadbd', 'mysqld');
  const install = program('mariadb-install-db', 'mysql_install_db');
  const dir = mkdtempSync(join(tmpdir(), `one-thing-${name}-mysql-`));
  const data = join(dir, 'data');
  const socket = join(dir, 'mysqld.sock');
  const errorLog = join(dir, 'error.log');
  const installed = spawnSync(
    install,
    [
      '--no-defaults',
      ...(isRoot ? ['--user=root'] : []),
      `--datadir=${data}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (installed.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${install} failed (${installed.status}): ${installed.stdout}${installed.stderr}`);
  }
  const port = await freePort();
  let child: ChildProcess | null = null;
  const log = () => (existsSync(errorLog) ? readFileSync(errorLog, 'utf8').split('\n').slice(-30).join('\n') : '');

  const db: PrivateMariaDb = {
    port,
    url: (database) => `mysql://root@127.0.0.1:${port}/${database}`,
    running: () => child !== null && child.exitCode === null && child.signalCode === null,
    log,
    async start() {
      const started = spawn(
        server,
        [
          '--no-defaults',
          // As root, the server refuses to start without naming a user; the folder is root's.
          ...(isRoot ? ['--user=root'] : []),
          `--datadir=${data}`,
          `--port=${port}`,
          '--bind-address=127.0.0.1',
          `--socket=${socket}`,
          `--pid-file=${join(dir, 'mysqld.pid')}`,
          `--log-error=${errorLog}`,
          '--skip-name-resolve',
          '--skip-log-bin',
          '--innodb-buffer-pool-size=64M',
          '--innodb-log-file-size=32M',
          '--performance-schema=OFF',
          '--max-connections=300',
          '--character-set-server=utf8mb4',
          '--collation-server=utf8mb4_unicode_ci',
        ],
        { stdio: 'ignore' },
      );
      child = started;
      await eventually(
        async () => {
          if (started.exitCode !== null) throw new Error(`mariadbd exited (${started.exitCode}): ${log()}`);
          const connection = await mysql.createConnection({ socketPath: socket, user: 'root' }).catch(() => null);
          if (!connection) return false;
          // The apps connect over TCP as root without a password, as the shared server allows.
          await connection.query("CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'");
          await connection.query("GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION");
          await connection.end();
          return true;
        },
        `the private MariaDB on ${port} to answer`,
        60_000,
      );
    },
    async stop() {
      if (child) await ended(child, 'SIGTERM');
      child = null;
    },
    async remove() {
      await db.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return db;
}

export interface PrivateRedis {
  port: number;
  url: string;
  /** Starts redis-server on its port, empty, until it answers PING. */
  start(): Promise<void>;
  /** Kills it (SIGKILL): what it held is gone, as it keeps nothing on disk. */
  kill(): Promise<void>;
  running(): boolean;
  remove(): Promise<void>;
}

/** A Redis of its own that keeps nothing on disk: started again, it is empty. */
export async function privateRedis(name: string): Promise<PrivateRedis> {
  const server = program('redis-server');
  const dir = mkdtempSync(join(tmpdir(), `one-thing-${name}-redis-`));
  const port = await freePort();
  let child: ChildProcess | null = null;
  const redis: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    running: () => child !== null && child.exitCode === null && child.signalCode === null,
    async start() {
      const started = spawn(
        server,
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
          // As BullMQ requires.
          '--maxmemory-policy',
          'noeviction',
        ],
        { stdio: 'ignore' },
      );
      child = started;
      await eventually(
        async () => {
          if (started.exitCode !== null) throw new Error(`redis-server exited (${started.exitCode})`);
          const client = new Redis(redis.url, {
            lazyConnect: true,
            maxRetriesPerRequest: 0,
            retryStrategy: () => null,
          });
          client.on('error', () => undefined);
          try {
            await client.connect();
            return (await client.ping()) === 'PONG';
          } catch {
            return false;
          } finally {
            client.disconnect();
          }
        },
        `the private Redis on ${port} to answer`,
        30_000,
      );
    },
    async kill() {
      if (child) await ended(child, 'SIGKILL');
      child = null;
    },
    async remove() {
      await redis.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return redis;
}

import type autocannon from 'autocannon';
import { scanKeys } from '#config';
import { readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { DEMO_FORM } from '../../cli/src/demo-seed.js';
import { type BenchTarget, benchRedis, localServerPid, serverUrl } from './harness.js';

/**
 * What the intake benches (`main.ts`, `scaled.ts`) send and read: the demo's logins, the 6-step
 * 开办企业 as intake posts it, the requests to accept, and the bench's data removed at the end.
 */
export const DEMO_PASSWORD = 'demo-pass-2026';

/** A connection to the MySQL server (no database chosen), UTC as the apps write instants. */
export function serverConnection(): Promise<mysql.Connection> {
  return mysql.createConnection({ uri: serverUrl.href.replace(/\/[^/]*$/, '/'), timezone: 'Z' });
}

/** The rows of a query on the server connection. */
export async function rows<T>(admin: mysql.Connection, sql: string, values: unknown[] = []): Promise<T[]> {
  const [result] = await admin.query(sql, values);
  return result as T[];
}

export async function login(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login of ${username} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

export const json = (token: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });

/** The materials of the licence step (营业执照), the first step of 开办企业. */
export const LICENCE_MATERIALS = [
  { code: 'APPLICATION-FORM', reference: 'file:bench/application.pdf' },
  { code: 'ARTICLES', reference: 'file:bench/articles.pdf' },
  { code: 'ID-LEGAL-REP', reference: 'file:bench/id.pdf' },
  { code: 'PREMISES', reference: 'file:bench/premises.pdf' },
];

/** `POST /requests` of 开办企业: its form and every material of its six steps. */
export const INTAKE_BODY = JSON.stringify({
  itemCode: 'OPEN-BUSINESS',
  form: DEMO_FORM,
  materials: [...LICENCE_MATERIALS, { code: 'BIZ-LICENCE-COPY', reference: 'file:bench/licence-copy.pdf' }],
});

/** The 开办企业 requests intake took in and no one accepted yet, oldest first. */
export async function submittedIds(admin: mysql.Connection, target: BenchTarget): Promise<string[]> {
  const found = await rows<{ id: number }>(
    admin,
    `SELECT id FROM \`${target.databaseName}\`.service_requests WHERE status = 'submitted' AND item_code = 'OPEN-BUSINESS' ORDER BY id`,
  );
  return found.map((row) => String(row.id));
}

/** Runs `path` once for each id, in order, spread over the connections. */
export function each(
  ids: readonly string[],
  path: (id: string) => string,
): Pick<autocannon.Options, 'amount' | 'requests'> {
  let next = 0;
  return {
    amount: ids.length,
    requests: [{ setupRequest: (request) => ({ ...request, path: path(ids[next++ % ids.length]) }) }],
  };
}

/** The MySQL server's pid, from its pid file, when it runs on this machine. */
export async function mysqlServerPid(admin: mysql.Connection): Promise<number | undefined> {
  try {
    const [row] = await rows<{ file: string }>(admin, 'SELECT @@pid_file AS file');
    return localServerPid(Number(readFileSync(row.file, 'utf8').trim()), ['mariadbd', 'mysqld']);
  } catch {
    return undefined;
  }
}

/** The Redis server's pid, as it tells it (INFO), when it runs on this machine. */
export async function redisServerPid(): Promise<number | undefined> {
  const redis = benchRedis(true);
  try {
    await redis.connect();
    const pid = /process_id:(\d+)/.exec(await redis.info('server'))?.[1];
    return pid ? localServerPid(Number(pid), ['redis-server']) : undefined;
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key of the queue prefix (SCAN, so Redis is never blocked; on every master of a cluster). */
async function deleteQueueKeys(queuePrefix: string): Promise<void> {
  const redis = benchRedis(true);
  try {
    await redis.connect();
    // One hash tag: every key is in one slot, so a DEL of many is fine on a Redis Cluster too.
    const keys = await scanKeys(redis, `${queuePrefix}*`);
    // In slices: a long sustained run leaves some 150,000 keys, more arguments than one call can spread.
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  } finally {
    redis.disconnect();
  }
}

/** The bench's database dropped and its queue keys deleted: before a run (a leftover) and after. */
export async function removeBenchData(admin: mysql.Connection, target: BenchTarget): Promise<void> {
  await admin.query(`DROP DATABASE IF EXISTS \`${target.databaseName}\``);
  await deleteQueueKeys(target.queuePrefix);
}

/** Outbox rows the relay has not published yet. */
export async function pendingOutbox(admin: mysql.Connection, target: BenchTarget): Promise<number> {
  const [row] = await rows<{ n: number }>(
    admin,
    `SELECT COUNT(*) AS n FROM \`${target.databaseName}\`.outbox_events WHERE published_at IS NULL`,
  );
  return Number(row.n);
}

/** Waits (30 s at the most) until the relay has published every outbox row. */
export async function outboxDrained(admin: mysql.Connection, target: BenchTarget): Promise<void> {
  for (let i = 0; i < 60 && (await pendingOutbox(admin, target)) > 0; i++) await new Promise((r) => setTimeout(r, 500));
}

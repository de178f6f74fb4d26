import { type AppConfig, createRedis, safeUrl } from '#config';
import mysql from 'mysql2/promise';

export class ServiceUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceUnavailableError';
  }
}

const START_HINT = {
  MySQL:
    'start it (on Debian: `bash .ci/services.sh`, or `start-stop-daemon --start --background --exec /usr/sbin/mariadbd`) or set DATABASE_URL',
  Redis: 'start it (on Debian: `bash .ci/services.sh`, or `redis-server --daemonize yes`) or set REDIS_URL',
  'Redis Cluster': 'start it (a local one: `bash .ci/redis-cluster.sh start`) or set REDIS_URL',
};

function reason(error: unknown): string {
  // A cluster client that reached no seed tells why through the last node's error.
  const e = error as { code?: string; message?: string; lastNodeError?: { code?: string } };
  return e.code ?? e.lastNodeError?.code ?? e.message ?? String(error);
}

export async function checkMysql(config: Pick<AppConfig, 'database'>): Promise<void> {
  const { host, port, user, password } = config.database;
  try {
    const connection = await mysql.createConnection({ host, port, user, password, connectTimeout: 3000 });
    await connection.end();
  } catch (error) {
    throw new ServiceUnavailableError(
      `MySQL is not reachable at ${safeUrl(config.database.url)} (${reason(error)}): ${START_HINT.MySQL}.`,
    );
  }
}

export async function checkRedis(config: Pick<AppConfig, 'redis'>): Promise<void> {
  const client = createRedis(config, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // ioredis reports the socket's error (ECONNREFUSED, ENOTFOUND…) as an event, then rejects with a generic one.
  let socketError: unknown;
  client.on('error', (error) => (socketError ??= error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new ServiceUnavailableError(
      config.redis.cluster
        ? `the Redis Cluster is not reachable at ${safeUrl(config.redis.url)} (${reason(socketError ?? error)}): ${START_HINT['Redis Cluster']}.`
        : `Redis is not reachable at ${safeUrl(config.redis.url)} (${reason(socketError ?? error)}): ${START_HINT.Redis}.`,
    );
  } finally {
    client.disconnect();
  }
}

/** Both services the apps need, checked before anything starts so a missing one is one clear line. */
export async function preflight(config: AppConfig): Promise<void> {
  await checkMysql(config);
  await checkRedis(config);
}

import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { redisEndpoint } from './connection-urls.js';
import type { AppConfig } from './environment.js';

/** A connection to the configured Redis: one server, or a Redis Cluster (REDIS_URL `redis+cluster://…`). */
export type RedisClient = Redis | Cluster;

/**
 * What one connection wants of its client, in ioredis's terms for one Redis: its retry, queueing
 * and timeout behaviour. Where Redis is (and its credentials) comes from the configuration.
 */
export type RedisClientOptions = Omit<
  RedisOptions,
  'host' | 'port' | 'path' | 'username' | 'password' | 'db' | 'tls' | 'sentinels' | 'readOnly'
>;

/**
 * Every Redis connection of the apps is made here: `new Redis(…)` for one server, `new Cluster(…)`
 * for a Redis Cluster, with the same behaviour asked for (see clusterOptions). Keys that one command
 * (or one MULTI, one Lua script) touches together must share a hash slot in a cluster: every key of
 * the desk starts with QUEUE_PREFIX, a hash tag such as `{one-thing}`, so they all do.
 */
export function createRedis(config: Pick<AppConfig, 'redis'>, options: RedisClientOptions = {}): RedisClient {
  if (!config.redis.cluster) return new Redis({ ...redisEndpoint(config), ...options });
  return new Cluster(
    config.redis.nodes.map(({ host, port }) => ({ host, port })),
    clusterOptions(config, options),
  );
}

/**
 * A single client's options as a Redis Cluster client's:
 * - the cluster as a whole queues while offline (or not), connects lazily (or not) and checks
 *   readiness (CLUSTER INFO says cluster_state:ok) as the single client was asked to;
 * - its reconnection follows the single client's retryStrategy (clusterRetryStrategy); the node
 *   connections themselves never reconnect: a node that went away is found again by a slots refresh;
 * - reads and writes go to the masters (scaleReads: 'master'): a replica's copy may lag behind, and
 *   BullMQ reads back what it has just written;
 * - during a failover a command meets "Connection is closed" (its master is gone) and CLUSTERDOWN
 *   (its slots are not served until a replica takes them over): it is retried every 300 ms with a
 *   slots refresh, up to 40 times (about 12 s), which covers a failover with cluster-node-timeout
 *   2 s to 5 s. A client asked to fail fast (no offline queue) is not retried: the command fails at
 *   once, as on one Redis that is down, instead of waiting out its commandTimeout;
 * - the rest (timeouts, maxRetriesPerRequest, the connection's name, TLS, credentials) applies to
 *   each node's connection.
 */
export function clusterOptions(config: Pick<AppConfig, 'redis'>, options: RedisClientOptions = {}): ClusterOptions {
  const { lazyConnect, enableOfflineQueue, enableReadyCheck, retryStrategy, ...node } = options;
  const { username, password, tls } = config.redis;
  const retryDelay = enableOfflineQueue === false ? 0 : 300;
  return {
    lazyConnect: lazyConnect ?? false,
    enableOfflineQueue: enableOfflineQueue ?? true,
    enableReadyCheck: enableReadyCheck ?? true,
    scaleReads: 'master',
    clusterRetryStrategy: retryStrategy === undefined ? (times) => Math.min(100 + times * 2, 2000) : retryStrategy,
    retryDelayOnFailover: retryDelay,
    retryDelayOnClusterDown: retryDelay,
    retryDelayOnTryAgain: retryDelay,
    maxRedirections: 40,
    slotsRefreshTimeout: 2000,
    redisOptions: { ...node, username, password, tls: tls ? {} : undefined },
  };
}

/**
 * The keys matching `pattern`, by SCAN: on every master of a Redis Cluster (each holds only its own
 * slots' keys), on the one server otherwise. For tests and tools, never for a request's path.
 */
export async function scanKeys(client: RedisClient, pattern: string): Promise<string[]> {
  if (client instanceof Cluster) await clusterReady(client);
  const servers = client instanceof Cluster ? client.nodes('master') : [client];
  const keys: string[] = [];
  for (const server of servers) {
    let cursor = '0';
    do {
      const [next, found] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
  }
  return keys;
}

/** Resolves once the cluster client knows the slots' masters (it lists no node before). */
async function clusterReady(cluster: Cluster): Promise<void> {
  if (cluster.status === 'ready') return;
  if (cluster.status === 'wait') return cluster.connect();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`the Redis Cluster is not ready (${cluster.status})`)), 10_000);
    const onReady = () => done();
    const done = (error?: Error) => {
      clearTimeout(timer);
      cluster.off('ready', onReady);
      if (error) reject(error);
      else resolve();
    };
    cluster.on('ready', onReady);
  });
}

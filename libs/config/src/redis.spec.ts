import { Cluster, Redis } from 'ioredis';
import { loadConfig } from './environment.js';
import { clusterOptions, createRedis } from './redis.js';

describe('createRedis', () => {
  it('makes one Redis client for a redis:// URL, with the options asked for', () => {
    const client = createRedis(loadConfig({ REDIS_URL: 'redis://:pw@127.0.0.1:6390/2' }), {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    try {
      expect(client).toBeInstanceOf(Redis);
      expect((client as Redis).options).toMatchObject({
        host: '127.0.0.1',
        port: 6390,
        password: 'pw',
        db: 2,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
      });
    } finally {
      client.disconnect();
    }
  });

  it('makes a Cluster client on the seeds of a redis+cluster:// URL', () => {
    const client = createRedis(loadConfig({ REDIS_URL: 'redis+cluster://127.0.0.1:7191,127.0.0.1:7192' }), {
      lazyConnect: true,
    });
    try {
      expect(client).toBeInstanceOf(Cluster);
      expect((client as unknown as { startupNodes: unknown }).startupNodes).toEqual([
        { host: '127.0.0.1', port: 7191 },
        { host: '127.0.0.1', port: 7192 },
      ]);
    } finally {
      client.disconnect();
    }
  });

  it('gives the cluster what was asked of one client: queueing, readiness and retry on the cluster, the rest per node', () => {
    const retry = (times: number) => times * 10;
    const config = loadConfig({ REDIS_URL: 'rediss+cluster://desk:pw@a:7000,b:7001' });
    const options = clusterOptions(config, {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: retry,
      maxRetriesPerRequest: null,
      connectTimeout: 1234,
      commandTimeout: 500,
    });
    expect(options).toMatchObject({
      lazyConnect: true,
      enableOfflineQueue: false,
      enableReadyCheck: true,
      scaleReads: 'master',
      clusterRetryStrategy: retry,
      redisOptions: {
        username: 'desk',
        password: 'pw',
        tls: {},
        maxRetriesPerRequest: null,
        connectTimeout: 1234,
        commandTimeout: 500,
      },
    });
    expect(options.redisOptions).not.toHaveProperty('retryStrategy');
    expect(options.redisOptions).not.toHaveProperty('enableOfflineQueue');
    // A retryStrategy of null (never reconnect) stays null for the cluster.
    expect(clusterOptions(config, { retryStrategy: () => null }).clusterRetryStrategy?.(1)).toBeNull();
    expect(clusterOptions(config, {}).clusterRetryStrategy).toEqual(expect.any(Function));
  });
});

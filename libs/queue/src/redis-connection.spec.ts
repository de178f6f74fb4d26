import { loadConfig } from '#config';
import type { DiscoveryService, ModuleRef } from '@nestjs/core';
import { createIORedisClient } from 'bullmq';
import { Cluster } from 'ioredis';
import { QueueConnection } from './redis-connection.js';

const connectionFor = (REDIS_URL: string) =>
  new QueueConnection(loadConfig({ REDIS_URL }), {} as ModuleRef, {} as DiscoveryService).connection;

describe('QueueConnection', () => {
  it('gives BullMQ the options of one Redis', () => {
    const connection = connectionFor('redis://127.0.0.1:6390/2');
    expect(connection).not.toBeInstanceOf(Cluster);
    expect(connection).toMatchObject({ host: '127.0.0.1', port: 6390, db: 2, maxRetriesPerRequest: null });
    expect(connection).not.toHaveProperty('enableReadyCheck');
  });

  it('on a cluster, keeps the ready check on the shared client and leaves it out of the workers’ blocking duplicates', () => {
    // Seeds nothing listens on: the clients only try to connect, and are disconnected below.
    const shared = connectionFor('redis+cluster://127.0.0.1:7191,127.0.0.1:7192') as Cluster;
    shared.on('error', () => undefined);
    // As BullMQ makes a worker's blocking connection (createBlockingConnection).
    const blocking = createIORedisClient(shared).duplicate({ connectionName: 'bull:b3V0Ym94' }) as unknown as Cluster;
    blocking.on('error', () => undefined);
    try {
      expect(shared).toBeInstanceOf(Cluster);
      expect(shared.options.enableReadyCheck).toBe(true);
      expect(blocking.isCluster).toBe(true);
      expect(blocking.options).toMatchObject({
        enableReadyCheck: false,
        // The rest as the shared client's: retries through a failover, nodes' options, plus BullMQ's name.
        enableOfflineQueue: true,
        scaleReads: 'master',
        maxRedirections: shared.options.maxRedirections,
        retryDelayOnFailover: shared.options.retryDelayOnFailover,
        retryDelayOnClusterDown: shared.options.retryDelayOnClusterDown,
        clusterRetryStrategy: shared.options.clusterRetryStrategy,
        redisOptions: { maxRetriesPerRequest: null, connectTimeout: 5000, connectionName: 'bull:b3V0Ym94' },
      });
    } finally {
      blocking.disconnect();
      shared.disconnect();
    }
  });
});

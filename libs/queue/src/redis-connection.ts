import { APP_CONFIG, type AppConfig, createRedis, redisEndpoint } from '#config';
import { getQueueToken, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, ModuleRef } from '@nestjs/core';
import type { Queue, RedisOptions } from 'bullmq';
import { Cluster } from 'ioredis';
import { QUEUE_NAMES } from './jobs.js';

/** What BullMQ needs of its connections: commands wait out a reconnection (workers require it). */
const QUEUE_CLIENT = { maxRetriesPerRequest: null, connectTimeout: 5000 } as const;

/** ioredis options for the configured Redis; BullMQ requires maxRetriesPerRequest: null on workers. */
export function redisOptions(config: Pick<AppConfig, 'redis'>): RedisOptions {
  return { ...redisEndpoint(config), ...QUEUE_CLIENT };
}

/**
 * The queues' Cluster client, whose duplicates (each worker's blocking connection, made by BullMQ)
 * skip the ready check.
 *
 * When a worker's BZPOPMIN does not settle in time (its master was killed), BullMQ 6 closes the
 * blocking client and awaits `connect()` on it again. ioredis's `Cluster.connect()` settles when that
 * attempt's ready check (`CLUSTER INFO`) passes, or when no node answers; when the check fails
 * (sent to the dead master, or `cluster_state:fail` while the replica takes over) the client
 * disconnects and tries again by itself, and the first attempt's promise is never settled. The
 * client becomes ready, but BullMQ still awaits that promise inside the worker's wait for a job: the
 * worker never sends BZPOPMIN nor takes a job of its queue again. Without the ready check,
 * `connect()` settles once the slots are known, and a command sent while the cluster is still
 * failing over is retried (retryDelayOnClusterDown, retryDelayOnFailover) like any other.
 */
function withBlockingDuplicates(cluster: Cluster): Cluster {
  const duplicate = cluster.duplicate.bind(cluster);
  cluster.duplicate = ((startupNodes, options) =>
    duplicate(startupNodes, { ...options, enableReadyCheck: false })) as Cluster['duplicate'];
  return cluster;
}

/**
 * The connection BullMQ is given. One Redis: its options, and BullMQ makes (and closes) each queue's
 * and worker's connections. A Redis Cluster: one ioredis Cluster client from createRedis (BullMQ
 * cannot make one from options), shared by the queues and the workers' commands; each worker
 * duplicates it for its blocking connection (without the ready check: withBlockingDuplicates), which
 * BullMQ closes. Every key BullMQ writes starts with the queue prefix, a hash tag, so its multi-key
 * scripts run in one slot.
 */
@Injectable()
export class QueueConnection implements OnApplicationShutdown {
  readonly connection: RedisOptions | Cluster;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly modules: ModuleRef,
    private readonly discovery: DiscoveryService,
  ) {
    this.connection = config.redis.cluster
      ? withBlockingDuplicates(createRedis(config, QUEUE_CLIENT) as Cluster)
      : redisOptions(config);
  }

  /**
   * BullMQ leaves a client it was given open: it is closed here, after the workers and the queues
   * that use it (closing them again later is a no-op), whichever of Nest's shutdown hooks comes first.
   */
  async onApplicationShutdown(): Promise<void> {
    const client = this.connection;
    if (!(client instanceof Cluster)) return;
    const workers = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .flatMap((host) => {
        try {
          return [host.worker];
        } catch {
          return []; // never started
        }
      });
    await Promise.all(workers.map((worker) => worker.close().catch(() => undefined)));
    const queues = QUEUE_NAMES.flatMap((name) => {
      try {
        return [this.modules.get<Queue>(getQueueToken(name), { strict: false })];
      } catch {
        return [];
      }
    });
    await Promise.all(queues.map((queue) => queue.close().catch(() => undefined)));
    await client.quit().catch(() => client.disconnect());
  }
}

/** Holds the queues' connection for BullModule.forRootAsync (QueueModule). */
@Module({ imports: [DiscoveryModule], providers: [QueueConnection], exports: [QueueConnection] })
export class QueueConnectionModule {}

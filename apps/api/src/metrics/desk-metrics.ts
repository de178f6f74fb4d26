import { APP_CONFIG, type AppConfig, createRedis, type RedisClient } from '#config';
import { primaryPool } from '#database';
import { processRegistry } from '#platform';
import { HEARTBEAT_STALE_MS, QUEUE_NAMES, type QueueName, workersKey } from '#queue';
import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

/** The job states a queue's depth is told in. */
const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children'] as const;

/** The parts of mysql2's pool the pool gauge reads (not in its public types). */
interface PoolInternals {
  config?: { connectionLimit?: number };
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
}

/**
 * What an operator scrapes from an api process (GET /metrics): its HTTP requests by route and
 * status, and the desk's state as the database and Redis hold it at the scrape — queue depths,
 * outbox lag, timers pending, open clocks by state, the database pool, the workers alive. The queue
 * and database figures are the desk's, not the process's: every api process reports the same.
 */
@Injectable()
export class DeskMetrics implements OnModuleDestroy {
  readonly registry: Registry;
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly latency: Histogram<'method' | 'route' | 'status'>;
  private readonly redis: RedisClient;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly modules: ModuleRef,
  ) {
    this.registry = processRegistry('api');
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'desk_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.latency = new Histogram({
      name: 'desk_http_request_duration_seconds',
      help: 'Time from a request arriving to its answer being sent, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    // Fails fast while Redis is away: a scrape then reports what it could read.
    this.redis = createRedis(config, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
    });
    this.redis.on('error', () => undefined);
    this.deskGauges(registers);
  }

  /**
   * Times every request from its arrival to its answer being sent; the route is Nest's template,
   * never the raw path.
   */
  register(instance: FastifyInstance): void {
    instance.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url;
      const labels = {
        method: request.method,
        // Unmatched paths (404s, the console's files) share one label, so scanners cannot grow the series.
        route: typeof route === 'string' && !request.is404 ? route : 'unmatched',
        status: String(reply.statusCode),
      };
      this.latency.observe(labels, reply.elapsedTime / 1000);
      this.requests.inc(labels);
      done();
    });
  }

  private deskGauges(registers: Registry[]): void {
    const queues = () =>
      QUEUE_NAMES.map((name) => ({ name, queue: this.modules.get<Queue>(getQueueToken(name), { strict: false }) }));
    new Gauge({
      name: 'desk_queue_jobs',
      help: 'Jobs in each BullMQ queue, by state',
      labelNames: ['queue', 'state'],
      registers,
      collect: async function (this: Gauge<'queue' | 'state'>) {
        this.reset();
        for (const { name, queue } of queues()) {
          const counts = await queue.getJobCounts(...JOB_STATES).catch(() => null);
          if (!counts) continue;
          for (const state of JOB_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
        }
      },
    });
    const slaQueue = (): Queue => queues().find((q) => q.name === ('sla' satisfies QueueName))!.queue;
    new Gauge({
      name: 'desk_sla_timers_pending',
      help: 'SLA timers waiting for their time (delayed jobs of the sla queue)',
      registers,
      collect: async function (this: Gauge) {
        const delayed = await slaQueue()
          .getDelayedCount()
          .catch(() => null);
        if (delayed !== null) this.set(delayed);
      },
    });
    const dataSource = this.dataSource;
    new Gauge({
      name: 'desk_outbox_lag_seconds',
      help: 'Age of the oldest outbox row not yet relayed (0 when none waits)',
      registers,
      collect: async function (this: Gauge) {
        const rows = (await dataSource
          .query(
            'SELECT TIMESTAMPDIFF(MICROSECOND, MIN(created_at), UTC_TIMESTAMP(3)) / 1e6 AS lag, COUNT(*) AS pending FROM outbox_events WHERE published_at IS NULL',
          )
          .catch(() => null)) as { lag: string | null; pending: string }[] | null;
        if (rows) this.set(Math.max(0, Number(rows[0]?.lag ?? 0)));
      },
    });
    new Gauge({
      name: 'desk_outbox_pending',
      help: 'Outbox rows not yet relayed',
      registers,
      collect: async function (this: Gauge) {
        const rows = (await dataSource
          .query('SELECT COUNT(*) AS pending FROM outbox_events WHERE published_at IS NULL')
          .catch(() => null)) as { pending: string }[] | null;
        if (rows) this.set(Number(rows[0]?.pending ?? 0));
      },
    });
    new Gauge({
      name: 'desk_sla_clocks_open',
      help: 'SLA clocks not stopped, by state (running, warning, overdue, paused)',
      labelNames: ['state'],
      registers,
      collect: async function (this: Gauge<'state'>) {
        const rows = (await dataSource
          .query(
            `SELECT CASE WHEN paused_at IS NOT NULL THEN 'paused' WHEN overdue_at IS NOT NULL THEN 'overdue'
                         WHEN warned_at IS NOT NULL THEN 'warning' ELSE 'running' END AS state, COUNT(*) AS n
               FROM sla_clocks WHERE stopped_at IS NULL GROUP BY state`,
          )
          .catch(() => null)) as { state: string; n: string }[] | null;
        if (!rows) return;
        this.reset();
        for (const state of ['running', 'warning', 'overdue', 'paused']) {
          this.set({ state }, Number(rows.find((r) => r.state === state)?.n ?? 0));
        }
      },
    });
    new Gauge({
      name: 'desk_db_pool_connections',
      help: "This process's MySQL pool: connections in use, idle, and queries waiting for one; and its limit",
      labelNames: ['state'],
      registers,
      collect: function (this: Gauge<'state'>) {
        const pool = primaryPool<PoolInternals>(dataSource);
        if (!pool) return;
        const all = pool._allConnections?.length ?? 0;
        const free = pool._freeConnections?.length ?? 0;
        this.set({ state: 'used' }, all - free);
        this.set({ state: 'idle' }, free);
        this.set({ state: 'waiting' }, pool._connectionQueue?.length ?? 0);
        this.set({ state: 'limit' }, pool.config?.connectionLimit ?? 0);
      },
    });
    const redis = this.redis;
    const key = workersKey(this.config.queue.prefix);
    new Gauge({
      name: 'desk_workers_alive',
      help: `Workers whose heartbeat is younger than ${HEARTBEAT_STALE_MS / 1000} s`,
      registers,
      collect: async function (this: Gauge) {
        const alive = await DeskMetrics.aliveWorkers(redis, key).catch(() => null);
        if (alive !== null) this.set(alive.length);
      },
    });
  }

  /** The workers that beat within the stale time (host:pid each). */
  static async aliveWorkers(redis: RedisClient, key: string): Promise<string[]> {
    return redis.zrangebyscore(key, Date.now() - HEARTBEAT_STALE_MS, '+inf');
  }

  /** The workers alive, for the readiness probe. */
  workersAlive(): Promise<string[]> {
    return DeskMetrics.aliveWorkers(this.redis, workersKey(this.config.queue.prefix));
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}

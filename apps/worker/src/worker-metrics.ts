import { APP_CONFIG, type AppConfig, createRedis, type RedisClient } from '#config';
import { carriesMetricsToken, METRICS_CONTENT_TYPE, processRegistry } from '#platform';
import { HEARTBEAT_EVERY_MS, workersKey } from '#queue';
import type { WorkerHost } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Type,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Job } from 'bullmq';
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The processors whose workers are measured; given by the module (worker.module.ts PROCESSORS). */
export const MEASURED_PROCESSORS = Symbol('MEASURED_PROCESSORS');

/**
 * The worker's side of the operator's view:
 * - a heartbeat in Redis every few seconds, which the api's /health/ready and /metrics read;
 * - its own /metrics on WORKER_METRICS_PORT: job durations and failures per queue and job name, and
 *   the process's own figures. With METRICS_TOKEN set the token is required; without it the port
 *   listens on the loopback address only.
 */
@Injectable()
export class WorkerMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetrics.name);
  readonly registry: Registry = processRegistry('worker');
  private readonly durations = new Histogram({
    name: 'desk_job_duration_seconds',
    help: 'Time a job took to process, by queue, job name and outcome',
    labelNames: ['queue', 'name', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly failures = new Counter({
    name: 'desk_job_failures_total',
    help: 'Job attempts that failed (retried or given up), by queue and job name',
    labelNames: ['queue', 'name'],
    registers: [this.registry],
  });
  private readonly id = `${hostname()}:${process.pid}`;
  private readonly redis: RedisClient;
  private beat: NodeJS.Timeout | undefined;
  private readonly errorLogged = new Map<string, number>();
  private server: Server | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MEASURED_PROCESSORS) private readonly processors: readonly (Type<WorkerHost> & { queue: string })[],
    private readonly modules: ModuleRef,
  ) {
    this.redis = createRedis(config, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.redis.on('error', () => undefined);
  }

  /** Where the metrics port listens, once it does (for the tests). */
  get address(): AddressInfo | null {
    return (this.server?.address() as AddressInfo | null) ?? null;
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const type of this.processors) {
      const host = this.modules.get(type, { strict: false });
      const queue = type.queue;
      host.worker.on('completed', (job: Job) => this.observe(queue, job, 'completed'));
      host.worker.on('failed', (job: Job | undefined, error: Error) => {
        if (!job) return;
        this.failures.inc({ queue, name: job.name });
        this.observe(queue, job, 'failed', error);
      });
      // A worker's own errors (Redis away, a lock lost in a failover: a command resent after its first
      // send was done) go to the log, at most one a half-minute per queue, not to the console.
      host.worker.on('error', (error: Error) => {
        const now = Date.now();
        if (now - (this.errorLogged.get(queue) ?? 0) < 30_000) return;
        this.errorLogged.set(queue, now);
        this.logger.warn(`worker of ${queue}: ${error.message}`);
      });
    }
    await this.heartbeat();
    this.beat = setInterval(() => void this.heartbeat(), HEARTBEAT_EVERY_MS);
    this.beat.unref();
    if (this.config.metrics.workerPort > 0) await this.listen(this.config.metrics.workerPort);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.beat);
    await this.redis.zrem(workersKey(this.config.queue.prefix), this.id).catch(() => 0);
    this.redis.disconnect();
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  /**
   * Times the job, and logs one line of it: with the id of the HTTP request whose change caused it
   * (when one did), so that id finds the job beside the request's own lines.
   */
  private observe(queue: string, job: Job, outcome: 'completed' | 'failed', error?: Error): void {
    const ms = job.processedOn ? Math.max(0, (job.finishedOn ?? Date.now()) - job.processedOn) : 0;
    this.durations.observe({ queue, name: job.name, outcome }, ms / 1000);
    const requestId = (job.data as { httpRequestId?: unknown } | undefined)?.httpRequestId;
    // Housekeeping jobs nobody asked for (relays, schedules, timers) stay out of the log unless they fail.
    if (typeof requestId !== 'string' && outcome === 'completed') return;
    const line = {
      queue,
      job: job.name,
      jobId: job.id,
      outcome,
      ms,
      ...(typeof requestId === 'string' ? { requestId } : {}),
    };
    if (outcome === 'failed') this.logger.warn({ ...line, err: error?.message }, `job ${job.name} failed`);
    else this.logger.log(line, `job ${job.name} done`);
  }

  private async heartbeat(): Promise<void> {
    const key = workersKey(this.config.queue.prefix);
    const now = Date.now();
    // Redis away: the next beat tries again; /health/ready says no worker meanwhile.
    await this.redis
      .multi()
      .zadd(key, now, this.id)
      .zremrangebyscore(key, '-inf', now - 10 * 60_000)
      .exec()
      .catch(() => undefined);
  }

  private listen(port: number): Promise<void> {
    const token = this.config.metrics.token;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: GET /metrics\n');
        return;
      }
      if (token && !carriesMetricsToken(req.headers.authorization, token)) {
        res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' }).end('the metrics token is required\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(text),
        () => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics unavailable\n'),
      );
    });
    this.server = server;
    return new Promise((resolve) => {
      server.once('error', (error) => {
        // Another worker on this machine has the port: this one runs on without a metrics port.
        this.logger.warn(`worker metrics not served on port ${port}: ${error.message}`);
        this.server = undefined;
        resolve();
      });
      server.listen(port, token ? undefined : '127.0.0.1', () => {
        this.logger.log(`worker metrics at http://${token ? '0.0.0.0' : '127.0.0.1'}:${this.address?.port}/metrics`);
        resolve();
      });
    });
  }
}

import { APP_CONFIG, type AppConfig } from '#config';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';

export const RELAY_EVERY_MS = 1000;
export const SLA_RECONCILE_EVERY_MS = 5 * 60 * 1000;
export const REPORTS_REFRESH_EVERY_MS = 30 * 1000;
/** How often a worker makes sure its schedules are still in Redis (a Redis restarted empty lost them). */
export const SCHEDULES_CHECK_EVERY_MS = 5000;

/**
 * Job schedulers (BullMQ 6) the worker keeps in place; upserting is idempotent across many workers.
 *
 * They live in Redis, so a Redis restarted without its data (no append-only file, a new instance
 * behind the same address) loses them, and with them the outbox relay, the SLA reconciliation and
 * every timer. Each worker looks every few seconds for the relay's scheduler; when it is gone it puts
 * every schedule back and reconciles the SLA clocks at once, which sets every timer again from MySQL.
 */
@Injectable()
export class WorkerSchedules implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerSchedules.name);
  private check?: NodeJS.Timeout;
  private checking = false;

  constructor(
    @InjectQueue('outbox') private readonly outbox: Queue,
    @InjectQueue('sla') private readonly sla: Queue,
    @InjectQueue('events') private readonly events: Queue,
    @InjectQueue('webhooks') private readonly webhooks: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.putInPlace('start');
    this.check = setInterval(() => void this.restoreIfLost(), SCHEDULES_CHECK_EVERY_MS);
    this.check.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.check);
  }

  /** Puts the schedules back, and reconciles at once, when Redis no longer has them. */
  async restoreIfLost(): Promise<boolean> {
    if (this.checking) return false;
    this.checking = true;
    try {
      if (await this.outbox.getJobScheduler('outbox-relay')) return false;
      this.logger.warn('the job schedulers are gone from Redis (restarted without its data?): putting them back');
      await this.putInPlace('restored');
      return true;
    } catch {
      // Redis away: the next check tries again.
      return false;
    } finally {
      this.checking = false;
    }
  }

  private async putInPlace(why: 'start' | 'restored'): Promise<void> {
    await this.outbox.upsertJobScheduler(
      'outbox-prune',
      { pattern: '17 3 * * *', tz: 'Asia/Shanghai' },
      { name: 'outbox.prune', data: { olderThanDays: 7 } },
    );
    await this.outbox.upsertJobScheduler(
      'idempotency-prune',
      { pattern: '37 3 * * *', tz: 'Asia/Shanghai' },
      { name: 'idempotency.prune', data: {} },
    );
    // 材料文件: an upload no request took within a day goes (hourly, so none lingers long past its day).
    await this.outbox.upsertJobScheduler(
      'files-clean-up',
      { pattern: '7 * * * *', tz: 'Asia/Shanghai' },
      { name: 'files.clean-up', data: { olderThanHours: 24 } },
    );
    // The database is the truth of every clock: reconciling at start and every few minutes sets
    // again any timer Redis lost and records any threshold a timer missed.
    await this.sla.add('sla.reconcile', {}, { jobId: `sla-reconcile-${why}-${Date.now()}` });
    // Reports read the facts for any period whose rollup is stale, so this only makes them faster.
    await this.events.upsertJobScheduler(
      'reports-refresh',
      { every: REPORTS_REFRESH_EVERY_MS },
      { name: 'reports.refresh', data: {} },
    );
    await this.sla.upsertJobScheduler(
      'sla-reconcile',
      { every: SLA_RECONCILE_EVERY_MS },
      { name: 'sla.reconcile', data: {} },
    );
    // Deliveries due that no job carries (a process killed after its commit, Redis emptied) are enqueued again.
    await this.webhooks.upsertJobScheduler(
      'webhooks-sweep',
      { every: this.config.webhooks.sweepMs },
      { name: 'webhook.sweep', data: {} },
    );
    // The relay's last: the check looks for it, so until it is in place the check puts everything back again.
    await this.outbox.upsertJobScheduler('outbox-relay', { every: RELAY_EVERY_MS }, { name: 'outbox.relay', data: {} });
  }
}

import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';

export const RELAY_EVERY_MS = 1000;
export const SLA_RECONCILE_EVERY_MS = 5 * 60 * 1000;
export const REPORTS_REFRESH_EVERY_MS = 30 * 1000;

/** Job schedulers (BullMQ 6) the worker keeps in place; upserting is idempotent across many workers. */
@Injectable()
export class WorkerSchedules implements OnApplicationBootstrap {
  constructor(
    @InjectQueue('outbox') private readonly outbox: Queue,
    @InjectQueue('sla') private readonly sla: Queue,
    @InjectQueue('events') private readonly events: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.outbox.upsertJobScheduler('outbox-relay', { every: RELAY_EVERY_MS }, { name: 'outbox.relay', data: {} });
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
    await this.sla.add('sla.reconcile', {}, { jobId: `sla-reconcile-start-${Date.now()}` });
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
  }
}

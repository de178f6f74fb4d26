import { Clock } from '#common';
import { APP_CONFIG, type AppConfig } from '#config';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JobType, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { deliveryOfJob, enqueueDelivery } from './webhook-jobs.js';

/** The states of a job that will still run: a delivery with a job in one of them is carried. */
const LIVE: JobType[] = ['active', 'wait', 'prioritized', 'delayed', 'waiting-children'];
/** How long a delivery must have been seen carried by no job before it is enqueued again. */
export const SWEEP_GRACE_MS = 5_000;
const BATCH = 1000;

/**
 * A delivery is sent by a job, and the job is enqueued after the commit that makes it due: the
 * relay's commit of new deliveries, the end of the delivery before it of its request, an admin's
 * resend. A process killed between that commit and its enqueue, a job failed for good by something
 * other than its receiver (it stalled past BullMQ's limit, its last attempt found another job's
 * claim), or Redis restarted without its data, leaves a delivery due that no job will ever send,
 * and with it every later delivery of its request, which waits for it.
 *
 * The sweep (a job scheduler of the worker, every WEBHOOK_SWEEP_MS) finds those: the first pending
 * delivery of each (subscription, request), not claimed by an attempt (or its claim ran out), with
 * no job in a state that will still run. One found so on two sweeps at least SWEEP_GRACE_MS apart
 * (a job being enqueued right after its commit is not taken for lost) is enqueued again, with the
 * attempts it has left. Several workers sweep without harm: the attempt's claim sends it once.
 */
@Injectable()
export class WebhookSweep {
  private readonly logger = new Logger(WebhookSweep.name);
  /** The deliveries this process last found carried by no job, with when it first did. */
  private readonly suspects = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue('webhooks') private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Enqueues again what was lost; returns the ids enqueued. */
  async sweep(): Promise<string[]> {
    const now = this.clock.now();
    const due: { id: string; attempts: number }[] = [];
    for (let after = '0'; ;) {
      const rows = (await this.dataSource.query(
        `SELECT d.id, d.attempts FROM webhook_deliveries d
          WHERE d.status = 'pending' AND d.id > ? AND (d.sending_until IS NULL OR d.sending_until < ?)
            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
                             WHERE e.subscription_id = d.subscription_id AND e.request_id = d.request_id
                               AND e.status = 'pending' AND e.event_id < d.event_id)
          ORDER BY d.id LIMIT ?`,
        [after, now, BATCH],
      )) as { id: string | number; attempts: number }[];
      due.push(...rows.map((r) => ({ id: String(r.id), attempts: Number(r.attempts) })));
      if (rows.length < BATCH) break;
      after = String(rows[rows.length - 1].id);
    }
    if (due.length === 0) {
      this.suspects.clear();
      return [];
    }
    // Read after the rows: a job that ended meanwhile leaves its delivery ended too, or enqueued the next.
    const carried = new Set((await this.queue.getRanges(LIVE, 0, -1)).map(deliveryOfJob));
    const lost = due.filter((d) => !carried.has(d.id));
    const seen = Date.now();
    const again = lost.filter((d) => (this.suspects.get(d.id) ?? seen) <= seen - SWEEP_GRACE_MS);
    const firstSeen = new Map(lost.map((d) => [d.id, this.suspects.get(d.id) ?? seen]));
    this.suspects.clear();
    for (const [id, at] of firstSeen) if (!again.some((d) => d.id === id)) this.suspects.set(id, at);
    for (const d of again) {
      await enqueueDelivery(
        this.queue,
        this.config.webhooks,
        d.id,
        `sweep${d.attempts}t${now.getTime()}`,
        this.config.webhooks.attempts - d.attempts,
      );
    }
    if (again.length > 0) {
      this.logger.warn(
        `enqueued again ${again.length} webhook deliveries no job carried (${again
          .slice(0, 20)
          .map((d) => d.id)
          .join(', ')}${again.length > 20 ? ', …' : ''})`,
      );
    }
    return again.map((d) => d.id);
  }
}

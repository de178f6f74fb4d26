import type { JobName, JobPayloads } from '#queue';
import { DeliveryFailed, WebhookSender } from '#webhooks';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';

/**
 * Sends webhook deliveries, many at once: each is its own job with its own timeout, so a slow or
 * dead receiver holds one slot, never the others' deliveries.
 */
@Processor('webhooks', { concurrency: 32 })
export class WebhooksProcessor extends WorkerHost {
  static readonly queue = 'webhooks' as const;
  static readonly handles = ['webhook.deliver'] as const satisfies readonly JobName[];

  constructor(private readonly sender: WebhookSender) {
    super();
  }

  async process(job: Job<JobPayloads['webhook.deliver']>): Promise<void> {
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const outcome = await this.sender.deliver(job.data.deliveryId, last);
    // Thrown for the queue to try again after its backoff (exponential, with jitter).
    if (outcome === 'retry') throw new DeliveryFailed(`webhook delivery ${job.data.deliveryId} failed; retrying`);
  }
}

import { assertNever } from '#common';
import type { AnyJob, JobName } from '#queue';
import { DeliveryFailed, WebhookSender, WebhookSweep } from '#webhooks';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';

/**
 * Sends webhook deliveries, many at once: each is its own job with its own timeout, so a slow or
 * dead receiver holds one slot, never the others' deliveries. The sweep enqueues again the
 * deliveries a lost job left unsent.
 */
@Processor('webhooks', { concurrency: 32 })
export class WebhooksProcessor extends WorkerHost {
  static readonly queue = 'webhooks' as const;
  static readonly handles = ['webhook.deliver', 'webhook.sweep'] as const satisfies readonly JobName[];

  constructor(
    private readonly sender: WebhookSender,
    private readonly sweeper: WebhookSweep,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const typed = job as unknown as Extract<AnyJob, { name: (typeof WebhooksProcessor.handles)[number] }>;
    switch (typed.name) {
      case 'webhook.deliver': {
        const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        const outcome = await this.sender.deliver(typed.data.deliveryId, last);
        // Thrown for the queue to try again after its backoff (exponential, with jitter).
        if (outcome === 'retry') throw new DeliveryFailed(`webhook delivery ${typed.data.deliveryId} failed; retrying`);
        return;
      }
      case 'webhook.sweep':
        return (await this.sweeper.sweep()).length;
      default:
        return assertNever(typed, 'webhooks job');
    }
  }
}

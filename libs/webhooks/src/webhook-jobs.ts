import type { AppConfig } from '#config';
import type { Queue } from 'bullmq';

/**
 * Enqueues the sending of a delivery. The job id names the delivery and what caused the job (its
 * creation, its predecessor's end, an admin's resend, the sweep), so each cause enqueues once.
 * `attempts` lowers the job's attempts below the configured ones (the sweep's job carries those the
 * delivery has left).
 */
export async function enqueueDelivery(
  queue: Queue,
  config: AppConfig['webhooks'],
  deliveryId: string,
  cause: string,
  attempts = config.attempts,
): Promise<void> {
  await queue.add(
    'webhook.deliver',
    { deliveryId },
    {
      jobId: `webhook-${deliveryId}${cause ? `-${cause}` : ''}`,
      attempts: Math.max(1, Math.min(attempts, config.attempts)),
      backoff: { type: 'exponential', delay: config.retryBaseMs, jitter: 0.3 },
      removeOnComplete: { count: 1000, age: 24 * 3600 },
      removeOnFail: { count: 10000 },
    },
  );
}

/** The delivery a job of the webhooks queue sends (its id as enqueueDelivery makes it), or null. */
export function deliveryOfJob(jobId: string): string | null {
  return /^webhook-(\d+)(?:-|$)/.exec(jobId)?.[1] ?? null;
}

import type { AppConfig } from '#config';
import type { Queue } from 'bullmq';

/**
 * Enqueues the sending of a delivery. The job id names the delivery and what caused the job (its
 * creation, its predecessor's end, an admin's resend), so each cause enqueues once.
 */
export async function enqueueDelivery(
  queue: Queue,
  config: AppConfig['webhooks'],
  deliveryId: string,
  cause: string,
): Promise<void> {
  await queue.add(
    'webhook.deliver',
    { deliveryId },
    {
      jobId: `webhook-${deliveryId}${cause ? `-${cause}` : ''}`,
      attempts: config.attempts,
      backoff: { type: 'exponential', delay: config.retryBaseMs, jitter: 0.3 },
      removeOnComplete: { count: 1000, age: 24 * 3600 },
      removeOnFail: { count: 10000 },
    },
  );
}

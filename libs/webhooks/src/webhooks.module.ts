import { AuditWriter } from '#audit';
import { OUTBOX_FAN_OUT, QueueModule } from '#queue';
import { RequestsModule } from '#requests';
import { Module } from '@nestjs/common';
import { WebhookFanOut } from './webhook-fan-out.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhookSweep } from './webhook-sweep.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Signed webhooks out: the admins' subscriptions, the deliveries made from the outbox (each with the
 * request's view, read through the requests' own reads), their sending, and the sweep that enqueues
 * again the deliveries a lost job left unsent.
 */
@Module({
  imports: [QueueModule, RequestsModule],
  providers: [
    WebhooksService,
    WebhookSender,
    WebhookSweep,
    WebhookFanOut,
    AuditWriter,
    { provide: OUTBOX_FAN_OUT, useExisting: WebhookFanOut },
  ],
  exports: [WebhooksService, WebhookSender, WebhookSweep, OUTBOX_FAN_OUT],
})
export class WebhooksModule {}

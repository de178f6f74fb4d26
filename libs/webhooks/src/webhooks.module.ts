import { AuditWriter } from '#audit';
import { OUTBOX_FAN_OUT, QueueModule } from '#queue';
import { Module } from '@nestjs/common';
import { WebhookFanOut } from './webhook-fan-out.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhooksService } from './webhooks.service.js';

/** Signed webhooks out: the admins' subscriptions, the deliveries made from the outbox, their sending. */
@Module({
  imports: [QueueModule],
  providers: [
    WebhooksService,
    WebhookSender,
    WebhookFanOut,
    AuditWriter,
    { provide: OUTBOX_FAN_OUT, useExisting: WebhookFanOut },
  ],
  exports: [WebhooksService, WebhookSender, OUTBOX_FAN_OUT],
})
export class WebhooksModule {}

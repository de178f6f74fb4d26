import { AuditWriter } from '#audit';
import { OutboxWriter } from '#queue';
import { SlaModule } from '#sla';
import { Module } from '@nestjs/common';
import { IdempotencyStore } from './idempotency.js';
import { IntakeWriter } from './intake-writer.js';
import { RequestsService } from './requests.service.js';

/** 办件: the request lifecycle. Needs the database and a Clock. */
@Module({
  imports: [SlaModule],
  providers: [RequestsService, IdempotencyStore, IntakeWriter, AuditWriter, OutboxWriter],
  exports: [RequestsService, IdempotencyStore],
})
export class RequestsModule {}

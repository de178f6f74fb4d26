import { AuditWriter } from '#audit';
import { OutboxWriter } from '#queue';
import { Module } from '@nestjs/common';
import { IdempotencyStore } from './idempotency.js';
import { IntakeWriter } from './intake-writer.js';
import { RequestsService } from './requests.service.js';

/** 办件: the request lifecycle. Needs the database and a Clock. */
@Module({
  providers: [RequestsService, IdempotencyStore, IntakeWriter, AuditWriter, OutboxWriter],
  exports: [RequestsService, IdempotencyStore],
})
export class RequestsModule {}

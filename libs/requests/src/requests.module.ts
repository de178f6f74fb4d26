import { AuditWriter } from '#audit';
import { OutboxWriter } from '#queue';
import { SlaModule } from '#sla';
import { Module } from '@nestjs/common';
import { EvaluationsService } from './evaluations.service.js';
import { IdempotencyStore } from './idempotency.js';
import { IntakeWriter } from './intake-writer.js';
import { RequestsService } from './requests.service.js';

/** 办件: the request lifecycle, and its evaluation (好差评) and follow-up (整改). Needs the database and a Clock. */
@Module({
  imports: [SlaModule],
  providers: [RequestsService, EvaluationsService, IdempotencyStore, IntakeWriter, AuditWriter, OutboxWriter],
  exports: [RequestsService, EvaluationsService, IdempotencyStore],
})
export class RequestsModule {}

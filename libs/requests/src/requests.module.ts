import { AuditWriter } from '#audit';
import { OutboxWriter } from '#queue';
import { Module } from '@nestjs/common';
import { RequestsService } from './requests.service.js';

/** 办件: the request lifecycle. Needs the database and a Clock. */
@Module({
  providers: [RequestsService, AuditWriter, OutboxWriter],
  exports: [RequestsService],
})
export class RequestsModule {}

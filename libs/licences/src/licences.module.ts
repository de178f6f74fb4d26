import { AuditWriter } from '#audit';
import { OutboxWriter } from '#queue';
import { Module } from '@nestjs/common';
import { LicencesService } from './licences.service.js';

/** 电子证照: licences issued with a request's completion, verified, revoked and reused (免提交). */
@Module({
  providers: [LicencesService, AuditWriter, OutboxWriter],
  exports: [LicencesService],
})
export class LicencesModule {}

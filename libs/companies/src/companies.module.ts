import { AuditWriter } from '#audit';
import { Module } from '@nestjs/common';
import { CompaniesService } from './companies.service.js';

@Module({
  providers: [CompaniesService, AuditWriter],
  exports: [CompaniesService],
})
export class CompaniesModule {}

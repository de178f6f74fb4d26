import { AuditWriter } from '#audit';
import { CalendarModule } from '#calendar';
import { OutboxWriter } from '#queue';
import { Module } from '@nestjs/common';
import { SlaService } from './sla.service.js';

@Module({
  imports: [CalendarModule],
  providers: [SlaService, OutboxWriter, AuditWriter],
  exports: [SlaService, CalendarModule],
})
export class SlaModule {}

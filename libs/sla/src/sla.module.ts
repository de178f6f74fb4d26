import { AuditWriter } from '#audit';
import { CalendarModule } from '#calendar';
import { OutboxWriter } from '#queue';
import { Module } from '@nestjs/common';
import { ClockMoves } from './clock-moves.js';
import { ClockRecalendar } from './clock-recalendar.js';
import { ClockRows } from './clock-rows.js';
import { ClockThresholds } from './clock-thresholds.js';
import { SlaService } from './sla.service.js';

/** SLA clocks: SlaService is the door; the pieces it hands each change to stay inside the module. */
@Module({
  imports: [CalendarModule],
  providers: [SlaService, ClockRows, ClockMoves, ClockThresholds, ClockRecalendar, OutboxWriter, AuditWriter],
  exports: [SlaService, CalendarModule],
})
export class SlaModule {}

import { AuditWriter } from '#audit';
import { OutboxWriter } from '#queue';
import { Module } from '@nestjs/common';
import { CalendarService } from './calendar.service.js';

/** Calendars as stored; the shipped official days are loaded when the application starts. */
@Module({
  providers: [CalendarService, AuditWriter, OutboxWriter],
  exports: [CalendarService],
})
export class CalendarModule {}

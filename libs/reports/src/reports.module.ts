import { CalendarModule } from '#calendar';
import { Module } from '@nestjs/common';
import { ReportFacts } from './report-facts.js';
import { ReportsService } from './reports.service.js';

@Module({
  imports: [CalendarModule],
  providers: [ReportsService, ReportFacts],
  exports: [ReportsService, ReportFacts],
})
export class ReportsModule {}

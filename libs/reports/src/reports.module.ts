import { CalendarModule } from '#calendar';
import { Module } from '@nestjs/common';
import { ReportFacts } from './report-facts.js';
import { ReportsService } from './reports.service.js';
import { ReportRollups } from './rollups.js';

@Module({
  imports: [CalendarModule],
  providers: [ReportsService, ReportFacts, ReportRollups],
  exports: [ReportsService, ReportFacts, ReportRollups],
})
export class ReportsModule {}

import { CalendarModule } from '#calendar';
import { Module } from '@nestjs/common';
import { DailyCounts } from './daily-counts.js';
import { ReportFacts } from './report-facts.js';
import { ReportsService } from './reports.service.js';
import { ReportRollups } from './rollups.js';

@Module({
  imports: [CalendarModule],
  providers: [ReportsService, ReportFacts, ReportRollups, DailyCounts],
  exports: [ReportsService, ReportFacts, ReportRollups, DailyCounts],
})
export class ReportsModule {}

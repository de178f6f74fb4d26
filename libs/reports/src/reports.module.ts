import { CalendarModule } from '#calendar';
import { Module } from '@nestjs/common';
import { BacklogQuery } from './backlog-query.js';
import { DailyCounts } from './daily-counts.js';
import { OverdueQuery } from './overdue-query.js';
import { ReportFacts } from './report-facts.js';
import { ReportReads } from './report-reads.js';
import { ReportsService } from './reports.service.js';
import { ReportRollups } from './rollups.js';
import { SatisfactionQuery } from './satisfaction-query.js';
import { ThroughputQuery } from './throughput-query.js';
import { TurnaroundQuery } from './turnaround-query.js';

/** Each report's query, behind ReportsService, which scopes a manager's filters first. */
const REPORT_QUERIES = [TurnaroundQuery, BacklogQuery, OverdueQuery, ThroughputQuery, SatisfactionQuery];

@Module({
  imports: [CalendarModule],
  providers: [ReportsService, ...REPORT_QUERIES, ReportReads, ReportFacts, ReportRollups, DailyCounts],
  exports: [ReportsService, ReportFacts, ReportRollups, DailyCounts],
})
export class ReportsModule {}

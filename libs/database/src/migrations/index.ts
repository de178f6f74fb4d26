import { Foundation1795700000000 } from './1795700000000-foundation.js';
import { Catalogue1795800000000 } from './1795800000000-catalogue.js';
import { Requests1795900000000 } from './1795900000000-requests.js';
import { Calendars1796000000000 } from './1796000000000-calendars.js';
import { Sla1796100000000 } from './1796100000000-sla.js';
import { SlaSettings1796200000000 } from './1796200000000-sla-settings.js';
import { CalendarRevisions1796300000000 } from './1796300000000-calendar-revisions.js';
import { IntakeLimit1796400000000 } from './1796400000000-intake-limit.js';
import { AuditChain1796500000000 } from './1796500000000-audit-chain.js';
import { LoginFailures1796600000000 } from './1796600000000-login-failures.js';
import { Reports1796700000000 } from './1796700000000-reports.js';
import { Evaluations1796800000000 } from './1796800000000-evaluations.js';
import { ReportRollups1796900000000 } from './1796900000000-report-rollups.js';
import { DailyCounts1797000000000 } from './1797000000000-daily-counts.js';
import { ReportIndexes1797100000000 } from './1797100000000-report-indexes.js';

/** Every migration, oldest first. `npm run migration:generate` prints the line to add here. */
export const MIGRATIONS = [
  Foundation1795700000000,
  Catalogue1795800000000,
  Requests1795900000000,
  Calendars1796000000000,
  Sla1796100000000,
  SlaSettings1796200000000,
  CalendarRevisions1796300000000,
  IntakeLimit1796400000000,
  AuditChain1796500000000,
  LoginFailures1796600000000,
  Reports1796700000000,
  Evaluations1796800000000,
  ReportRollups1796900000000,
  DailyCounts1797000000000,
  ReportIndexes1797100000000,
];

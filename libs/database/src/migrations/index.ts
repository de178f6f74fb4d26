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
import { NotificationLanguages1797200000000 } from './1797200000000-notification-languages.js';
import { LegalBreach1797250000000 } from './1797250000000-legal-breach.js';
import { ItemStages1797260000000 } from './1797260000000-item-stages.js';
import { HallPlaces1797300000000 } from './1797300000000-hall-places.js';
import { SpecialProcedureEnds1797410000000 } from './1797410000000-special-procedure-ends.js';
import { JointItems1797420000000 } from './1797420000000-joint-items.js';
import { OptionalLegalLimit1797430000000 } from './1797430000000-optional-legal-limit.js';
import { LegalOnTime1797440000000 } from './1797440000000-legal-on-time.js';
import { TakenInAt1797450000000 } from './1797450000000-taken-in-at.js';
import { StoredFiles1797500000000 } from './1797500000000-stored-files.js';
import { Licences1797600000000 } from './1797600000000-licences.js';
import { ServiceAccounts1797800000000 } from './1797800000000-service-accounts.js';
import { Webhooks1797850000000 } from './1797850000000-webhooks.js';
import { WebhookRelay1797900000000 } from './1797900000000-webhook-relay.js';
import { OutboxRequestIds1798100000000 } from './1798100000000-outbox-request-ids.js';
import { ReplicaHeartbeat1798200000000 } from './1798200000000-replica-heartbeat.js';

/** Its backfill is run again by the reports' test, on facts written without it. */
export { LegalOnTime1797440000000 };

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
  NotificationLanguages1797200000000,
  LegalBreach1797250000000,
  ItemStages1797260000000,
  HallPlaces1797300000000,
  SpecialProcedureEnds1797410000000,
  JointItems1797420000000,
  OptionalLegalLimit1797430000000,
  LegalOnTime1797440000000,
  TakenInAt1797450000000,
  StoredFiles1797500000000,
  Licences1797600000000,
  ServiceAccounts1797800000000,
  Webhooks1797850000000,
  WebhookRelay1797900000000,
  OutboxRequestIds1798100000000,
  ReplicaHeartbeat1798200000000,
];

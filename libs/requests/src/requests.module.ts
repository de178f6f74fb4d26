import { AuditWriter } from '#audit';
import { FilesModule } from '#files';
import { LicencesModule } from '#licences';
import { OutboxWriter } from '#queue';
import { SlaModule } from '#sla';
import { Module } from '@nestjs/common';
import { ApplicantActions } from './applicant-actions.js';
import { EvaluationsService } from './evaluations.service.js';
import { IdempotencyStore } from './idempotency.js';
import { IntakeWriter } from './intake-writer.js';
import { ItemVersions } from './item-versions.js';
import { RequestChanges } from './request-changes.js';
import { RequestFiles } from './request-files.js';
import { RequestReads } from './request-reads.js';
import { RequestSubmission } from './request-submission.js';
import { StepDecisions } from './step-decisions.js';
import { TimeLimits } from './time-limits.js';
import { WindowActions } from './window-actions.js';

/** The use cases of 办件, each for the one who acts (applicant, window, department, the law's time limits). */
const USE_CASES = [
  RequestSubmission,
  WindowActions,
  ApplicantActions,
  StepDecisions,
  TimeLimits,
  RequestReads,
  RequestFiles,
];

/** 办件: the request lifecycle, and its evaluation (好差评) and follow-up (整改). Needs the database and a Clock. */
@Module({
  imports: [SlaModule, FilesModule, LicencesModule],
  providers: [
    ...USE_CASES,
    EvaluationsService,
    RequestChanges,
    ItemVersions,
    IdempotencyStore,
    IntakeWriter,
    AuditWriter,
    OutboxWriter,
  ],
  exports: [...USE_CASES, EvaluationsService, IdempotencyStore],
})
export class RequestsModule {}

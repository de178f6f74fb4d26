import { assertNever, requestContext } from '#common';
import { NotificationsService } from '#notifications';
import type { AnyJob, JobName } from '#queue';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { DailyCounts, ReportFacts, ReportRollups } from '#reports';
import { TimeLimits } from '#requests';
import { SlaService } from '#sla';
import { SlaTimers } from '../sla-timers.js';

/** Report periods recomputed per run of the refresh schedule: a few seconds of work at most. */
const REFRESH_BATCH = 50;

/** Reacts to domain events relayed from the outbox; every handler is idempotent (events may arrive twice). */
@Processor('events', { concurrency: 8 })
export class EventsProcessor extends WorkerHost {
  static readonly queue = 'events' as const;
  static readonly handles = [
    'reports.refresh',
    'user.created',
    'request.submitted',
    'request.accepted',
    'request.refused',
    'request.supplement-requested',
    'request.supplied',
    'request.withdrawn',
    'request.denied',
    'request.completed',
    'step.activated',
    'step.approved',
    'step.denied',
    'follow-up.opened',
    'follow-up.verified',
    'follow-up.rectified',
    'follow-up.closed',
    'licence.revoked',
    'request.extended',
    'request.intake-overdue',
    'sla.procedure-started',
    'calendar.day-changed',
    'sla.clock-changed',
    'sla.warning',
    'sla.overdue',
    'sla.legal-breach',
  ] as const satisfies readonly JobName[];

  constructor(
    private readonly notifications: NotificationsService,
    private readonly timers: SlaTimers,
    private readonly sla: SlaService,
    private readonly timeLimits: TimeLimits,
    private readonly facts: ReportFacts,
    private readonly rollups: ReportRollups,
    private readonly daily: DailyCounts,
  ) {
    super();
  }

  /** Under the id of the HTTP request whose change wrote the event, so its lines and its own events carry it. */
  process(job: Job): Promise<void> {
    return requestContext.within((job.data as { httpRequestId?: unknown }).httpRequestId, () => this.handle(job));
  }

  private async handle(job: Job): Promise<void> {
    const typed = job as unknown as Extract<AnyJob, { name: (typeof EventsProcessor.handles)[number] }>;
    switch (typed.name) {
      case 'reports.refresh':
        await this.rollups.refresh(REFRESH_BATCH);
        await this.daily.countRecent();
        return;
      case 'user.created':
        return this.notifications.welcomeUser(typed.data.eventId, typed.data.userId);
      case 'request.refused':
      case 'request.withdrawn':
      case 'request.denied':
      case 'request.completed':
        // An ended request becomes a fact of the reports (again, if the event comes twice).
        await this.facts.project([typed.data.requestId]);
        return this.notifications.notifyRequestEvent(typed.data.eventId, typed.name, typed.data.requestId);
      case 'request.submitted':
      case 'request.accepted':
      case 'request.supplement-requested':
      case 'request.supplied':
      case 'request.extended':
        return this.notifications.notifyRequestEvent(typed.data.eventId, typed.name, typed.data.requestId);
      case 'sla.procedure-started':
        return this.timers.scheduleProcedureEnd(typed.data.procedureId);
      case 'request.intake-overdue':
        return this.timeLimits.deemAccepted(typed.data.requestId).then(() => undefined);
      case 'calendar.day-changed':
        return this.sla
          .recalendar(typed.data.calendarCode, typed.data.date, typed.data.before, typed.data.revision)
          .then(() => undefined);
      case 'step.approved':
      case 'step.denied':
        await this.facts.project([typed.data.requestId]);
        return this.notifications.notifyRequestEvent(
          typed.data.eventId,
          typed.name,
          typed.data.requestId,
          typed.data.stepKey,
        );
      case 'step.activated':
        return this.notifications.notifyRequestEvent(
          typed.data.eventId,
          typed.name,
          typed.data.requestId,
          typed.data.stepKey,
        );
      case 'follow-up.opened':
      case 'follow-up.verified':
      case 'follow-up.rectified':
      case 'follow-up.closed':
        return this.notifications.notifyFollowUp(
          typed.data.eventId,
          typed.name,
          typed.data.requestId,
          typed.data.followUpId,
        );
      case 'licence.revoked':
        return this.notifications.notifyLicenceRevoked(typed.data.eventId, typed.data.licenceId);
      case 'sla.clock-changed':
        return this.timers.schedule(typed.data.clockId);
      case 'sla.warning':
      case 'sla.overdue':
      case 'sla.legal-breach':
        return this.notifications.notifySla(typed.data.eventId, typed.name, typed.data.clockId, typed.data.requestId);
      default:
        return assertNever(typed, 'event');
    }
  }
}

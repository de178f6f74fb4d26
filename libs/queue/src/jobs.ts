/**
 * Queue names and the typed jobs they carry, shared by the api (producers) and the worker
 * (processors) so both agree at compile time. Queue names are frozen: renaming one strands
 * the jobs already in Redis.
 */
export const QUEUE_NAMES = ['outbox', 'events', 'sla', 'webhooks'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Payloads carry ids, not state: a handler reloads from MySQL. */
export interface JobPayloads {
  /** Publish pending outbox rows to the events queue. */
  'outbox.relay': Record<string, never>;
  /** Delete outbox rows published longer ago than the given number of days. */
  'outbox.prune': { olderThanDays: number };
  /** Delete idempotency keys older than their 24-hour window. */
  'idempotency.prune': Record<string, never>;
  /** Remove uploaded files no request took within `olderThanHours` (and their bytes when no file names them). */
  'files.clean-up': { olderThanHours: number };
  /** Recompute the report rollups whose facts changed (libs/reports/src/rollups.ts). */
  'reports.refresh': Record<string, never>;
  /** Domain event: a user account was created. */
  'user.created': { eventId: string; userId: string };
  /** Request events: the request (and the step, for step events) changed as the name says. */
  'request.submitted': RequestEvent;
  'request.accepted': RequestEvent;
  'request.refused': RequestEvent;
  'request.supplement-requested': RequestEvent;
  'request.supplied': RequestEvent;
  'request.withdrawn': RequestEvent;
  'request.denied': RequestEvent;
  'request.completed': RequestEvent;
  /** 延期 granted by a manager. */
  'request.extended': RequestEvent;
  /** The intake clock ran out with the request undecided: it is deemed accepted (行政许可法 Art. 32). */
  'request.intake-overdue': RequestEvent;
  'step.activated': StepEvent;
  'step.approved': StepEvent;
  'step.denied': StepEvent;
  /** 整改: a score of 1 or 2 opened a follow-up, assigned to the managers of the request's hall. */
  'follow-up.opened': FollowUpEvent;
  /** A manager verified the complaint behind the follow-up. */
  'follow-up.verified': FollowUpEvent;
  /** A manager recorded what was rectified. */
  'follow-up.rectified': FollowUpEvent;
  /** A manager fed the outcome back to the applicant: the follow-up is closed and its clock stopped. */
  'follow-up.closed': FollowUpEvent;
  /** 电子证照: the issuing department revoked a licence; its holder is told. */
  'licence.revoked': { eventId: string; licenceId: string; requestId: string };
  /** An SLA clock started, paused, resumed or stopped: its timer is set again. */
  'sla.clock-changed': { eventId: string; clockId: string };
  /** An SLA clock reached its warning share or its due time (recorded once in the timeline). */
  'sla.warning': SlaEvent;
  'sla.overdue': SlaEvent;
  /** An SLA clock passed its legal due time (法定时限): graver than overdue; the managers are told. */
  'sla.legal-breach': SlaEvent;
  /** An admin made a date a holiday or a workday: open clocks on the calendar are laid out again. */
  'calendar.day-changed': {
    eventId: string;
    calendarCode: string;
    date: string;
    before: { working: boolean; name: string } | null;
    after: { working: boolean; name: string };
    /** The calendar's revision after the edit: a clock laid out on it or later is not moved again. */
    revision: number;
  };
  /** A special procedure (特别程序) started: its end is set as a timer. */
  'sla.procedure-started': { eventId: string; procedureId: string };
  /** Timer: a special procedure's end; the clocks it stopped count again. */
  'sla.procedure-end': { procedureId: string };
  /** Timer: look at a clock at its next threshold; stale when the clock's generation has moved on. */
  'sla.fire': { clockId: string; generation: number };
  /** Recompute every open clock from MySQL: record missed thresholds, set every timer again. */
  'sla.reconcile': Record<string, never>;
  /** POST one webhook delivery to its subscriber (when the deliveries before it of its request are done). */
  'webhook.deliver': { deliveryId: string };
  /** Enqueue again the deliveries due to be sent that no job carries (lost to a killed process or to Redis). */
  'webhook.sweep': Record<string, never>;
}

export interface SlaEvent {
  eventId: string;
  clockId: string;
  requestId: string;
}

export interface RequestEvent {
  eventId: string;
  requestId: string;
}

export interface StepEvent extends RequestEvent {
  stepKey: string;
}

export interface FollowUpEvent extends RequestEvent {
  followUpId: string;
}

export type JobName = keyof JobPayloads;
export type JobOf<N extends JobName> = { name: N; data: JobPayloads[N] };
export type AnyJob = { [N in JobName]: JobOf<N> }[JobName];

/** The queue each job travels on. */
export const JOB_QUEUES = {
  'outbox.relay': 'outbox',
  'outbox.prune': 'outbox',
  'idempotency.prune': 'outbox',
  'files.clean-up': 'outbox',
  'reports.refresh': 'events',
  'user.created': 'events',
  'request.submitted': 'events',
  'request.accepted': 'events',
  'request.refused': 'events',
  'request.supplement-requested': 'events',
  'request.supplied': 'events',
  'request.withdrawn': 'events',
  'request.denied': 'events',
  'request.completed': 'events',
  'request.extended': 'events',
  'request.intake-overdue': 'events',
  'sla.procedure-started': 'events',
  'calendar.day-changed': 'events',
  'sla.procedure-end': 'sla',
  'step.activated': 'events',
  'step.approved': 'events',
  'step.denied': 'events',
  'follow-up.opened': 'events',
  'follow-up.verified': 'events',
  'follow-up.rectified': 'events',
  'follow-up.closed': 'events',
  'licence.revoked': 'events',
  'sla.clock-changed': 'events',
  'sla.warning': 'events',
  'sla.overdue': 'events',
  'sla.legal-breach': 'events',
  'sla.fire': 'sla',
  'sla.reconcile': 'sla',
  'webhook.deliver': 'webhooks',
  'webhook.sweep': 'webhooks',
} as const satisfies { readonly [N in JobName]: QueueName };

export const JOB_NAMES = Object.keys(JOB_QUEUES) as JobName[];

/** Domain events are the jobs of the events queue; the outbox relay publishes them. */
export type EventType = { [N in JobName]: (typeof JOB_QUEUES)[N] extends 'events' ? N : never }[JobName];

export function isEventType(type: string): type is EventType {
  return (JOB_QUEUES as Record<string, QueueName | undefined>)[type] === 'events';
}

/** Explicit defaults: retries with backoff, failed jobs kept for inspection, completed ones bounded. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 1000, age: 24 * 3600 },
  removeOnFail: { count: 10000 },
} as const;

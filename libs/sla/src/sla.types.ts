import type { WorkingTimeLimit } from '#calendar';
import type { TimeLimit } from '#database';
import type { OutboxEntry } from '#queue';
import type { ClockKind, ClockTimes, LegalState } from './sla-clock.js';

/** 行政许可法 Art. 32: an application is accepted, refused or sent back within five days (working days here). */
export const INTAKE_LIMIT: TimeLimit = { value: 5, unit: 'workingDays' };

/**
 * 行政许可法 Art. 42: a joint item's (联合办理) request is decided within 45 working days as a whole
 * (JOINT_LEGAL_LIMIT, #catalogue), and its extension, granted once by a manager with a reason, adds
 * 15 working days to that limit.
 */
export const JOINT_LEGAL_EXTENSION_WORKING_DAYS = 15;

export interface SlaClock extends ClockTimes {
  id: string;
  requestId: string;
  kind: ClockKind;
  stepKey: string | null;
  calendarCode: string;
  limit: WorkingTimeLimit;
  warnShare: number;
  generation: number;
  calendarRevision: number;
}

/** The `sla` object of requests and steps (docs/design.md, Time limits). */
export interface SlaObject {
  state: string;
  dueAt: string;
  warnAt: string;
  legalDueAt?: string;
  legalState?: LegalState;
  pausedMinutes: number;
  remainingWorkingMinutes: number;
}

/**
 * Where a new request clock counts from when not from the change itself: 视为受理 counts from the
 * receipt of the application (行政许可法 Art. 32), less the working time it waited for the
 * applicant's materials at intake.
 */
export interface ClockOrigin {
  at: Date;
  pausedMs: number;
}

/** How a sync of a request's clocks fits the change it is part of. */
export interface ClockSyncOptions {
  /** Where a request clock started now counts from; the sync's instant when absent. */
  requestFrom?: ClockOrigin;
  /**
   * The change's own outbox events: written before the clocks' events, in the one insert that also
   * holds those, so a change's events cost one statement and keep their order (the change's first).
   */
  events?: readonly OutboxEntry[];
  /**
   * The request's clocks, every one in id order, as the caller read them in this transaction after
   * it locked the request's row (so no one else moved them since); read by the sync when absent.
   */
  clocks?: readonly SlaClock[];
}

/** The limits a request's clocks are counted against, from the version it was submitted on. */
export interface ClockLimits {
  calendarCode: string;
  /** The item's intake limit; INTAKE_LIMIT when absent. */
  intake?: TimeLimit | null;
  warnShare?: number;
  request: TimeLimit;
  /** The request's own legal limit (a joint item's, JOINT_LEGAL_LIMIT); none when absent. */
  requestLegal?: TimeLimit | null;
  /** Each step's promised limit and its matter's legal one (null: none, a value-added service). */
  steps: ReadonlyMap<string, { promised: TimeLimit; legal: TimeLimit | null }>;
  /** A follow-up's (整改) limit; FOLLOW_UP_LIMIT_WORKING_DAYS when absent. */
  followUp?: TimeLimit | null;
}

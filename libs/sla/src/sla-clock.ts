import { addWorkingTime, type CalendarDefinition, type WorkingTimeLimit, workingMinutesBetween } from '#calendar';

/**
 * One SLA clock as plain data, and the rules that move it: start, pause, resume, stop, and the
 * state it shows at an instant. Pure functions over a calendar, so the api, the worker's timers
 * and the reconciliation all compute the same due times.
 */

export const SLA_STATES = ['running', 'paused', 'warning', 'overdue', 'met', 'breached'] as const;
export type SlaState = (typeof SLA_STATES)[number];

/** `follow-up`: the limit of a follow-up (整改) opened by a poor evaluation, after the request ended. */
export const CLOCK_KINDS = ['intake', 'request', 'step', 'follow-up'] as const;
export type ClockKind = (typeof CLOCK_KINDS)[number];

/** The default share of the limit after which a clock warns (docs/design.md: 80%). */
export const DEFAULT_WARN_SHARE = 0.8;

export interface ClockTimes {
  startedAt: Date;
  dueAt: Date;
  warnAt: Date;
  /** For step clocks: when the matter's legal limit (法定时限) runs out; moved by pauses like dueAt. */
  legalDueAt: Date | null;
  /** Set while paused; the working time left then is kept below, so a resume gives it back. */
  pausedAt: Date | null;
  remainingMs: number | null;
  remainingWarnMs: number | null;
  remainingLegalMs: number | null;
  /** Working time that passed while the clock was paused (it does not count). */
  pausedMs: number;
  warnedAt: Date | null;
  overdueAt: Date | null;
  /** When a timer recorded that the clock passed its legal due time (法定时限), once. */
  legalBreachedAt: Date | null;
  stoppedAt: Date | null;
  /**
   * Set when the clock stops: the working time it counted from start to stop, pauses excluded.
   * The turnaround reports add these up, so they never lay a calendar over history again.
   */
  workedMs: number | null;
}

const MINUTE_MS = 60_000;
const minutes = (ms: number): WorkingTimeLimit => ({ value: ms / MINUTE_MS, unit: 'workingMinutes' });
const workingMs = (cal: CalendarDefinition, from: Date, to: Date) => workingMinutesBetween(cal, from, to) * MINUTE_MS;

/**
 * A clock started at `at` for `limit`; it warns once `warnShare` of its working time has passed.
 * `pausedMs` is working time after `at` that does not count (a clock started back at the receipt of
 * an application, which waited meanwhile for the applicant's materials): every threshold moves
 * later by it, and it is kept as paused time.
 */
export function startClock(
  cal: CalendarDefinition,
  at: Date,
  limit: WorkingTimeLimit,
  warnShare = DEFAULT_WARN_SHARE,
  legalLimit: WorkingTimeLimit | null = null,
  pausedMs = 0,
): ClockTimes {
  const limitDueAt = addWorkingTime(cal, at, limit);
  const total = workingMs(cal, at, limitDueAt);
  const later = (threshold: Date) => (pausedMs > 0 ? addWorkingTime(cal, threshold, minutes(pausedMs)) : threshold);
  return {
    startedAt: at,
    dueAt: later(limitDueAt),
    warnAt: later(addWorkingTime(cal, at, minutes(Math.round(total * warnShare)))),
    legalDueAt: legalLimit ? later(addWorkingTime(cal, at, legalLimit)) : null,
    pausedAt: null,
    remainingMs: null,
    remainingWarnMs: null,
    remainingLegalMs: null,
    pausedMs,
    warnedAt: null,
    overdueAt: null,
    legalBreachedAt: null,
    stoppedAt: null,
    workedMs: null,
  };
}

/** Stops counting at `at`, keeping the working time left to each threshold. A paused or stopped clock is returned as it is. */
export function pauseClock(cal: CalendarDefinition, clock: ClockTimes, at: Date): ClockTimes {
  if (clock.pausedAt || clock.stoppedAt) return clock;
  return {
    ...clock,
    pausedAt: at,
    remainingMs: workingMs(cal, at, clock.dueAt),
    remainingWarnMs: workingMs(cal, at, clock.warnAt),
    remainingLegalMs: clock.legalDueAt ? workingMs(cal, at, clock.legalDueAt) : null,
  };
}

/** Counts again from `at` with the working time that was left: the due times move by the pause. */
export function resumeClock(cal: CalendarDefinition, clock: ClockTimes, at: Date): ClockTimes {
  if (!clock.pausedAt || clock.stoppedAt) return clock;
  const resumed = at < clock.pausedAt ? clock.pausedAt : at;
  const left = (ms: number | null, threshold: Date) =>
    ms !== null && ms > 0 ? addWorkingTime(cal, resumed, minutes(ms)) : threshold;
  return {
    ...clock,
    // A threshold already passed before the pause stays where it was.
    dueAt: left(clock.remainingMs, clock.dueAt),
    warnAt: left(clock.remainingWarnMs, clock.warnAt),
    legalDueAt: clock.legalDueAt ? left(clock.remainingLegalMs, clock.legalDueAt) : null,
    pausedMs: clock.pausedMs + workingMs(cal, clock.pausedAt, resumed),
    pausedAt: null,
    remainingMs: null,
    remainingWarnMs: null,
    remainingLegalMs: null,
  };
}

/** The clock's end: met or breached is read from it (stopClock keeps a pause's time as paused). */
export function stopClock(cal: CalendarDefinition, clock: ClockTimes, at: Date): ClockTimes {
  if (clock.stoppedAt) return clock;
  const running = clock.pausedAt ? resumeClock(cal, clock, at) : clock;
  const end = at < running.startedAt ? running.startedAt : at;
  return {
    ...running,
    stoppedAt: at,
    workedMs: Math.max(0, workingMs(cal, running.startedAt, end) - running.pausedMs),
  };
}

/**
 * 延期: the due time moves `extra` later (working days from the old due time: the close of the Nth
 * working day after it), and the warning by the same working time; the legal due time, when the
 * clock has one and `legalExtra` is given (a joint item's, 行政许可法 Art. 42), moves `legalExtra`
 * later the same way. A paused clock keeps the extra time in what it has left.
 */
export function extendClock(
  cal: CalendarDefinition,
  clock: ClockTimes,
  extra: WorkingTimeLimit,
  legalExtra: WorkingTimeLimit | null = null,
): ClockTimes {
  const dueAt = addWorkingTime(cal, clock.dueAt, extra);
  const added = workingMs(cal, clock.dueAt, dueAt);
  const legalDueAt = clock.legalDueAt && legalExtra ? addWorkingTime(cal, clock.legalDueAt, legalExtra) : null;
  const legalAdded = clock.legalDueAt && legalDueAt ? workingMs(cal, clock.legalDueAt, legalDueAt) : 0;
  return {
    ...clock,
    dueAt,
    warnAt: addWorkingTime(cal, clock.warnAt, minutes(added)),
    legalDueAt: legalDueAt ?? clock.legalDueAt,
    remainingMs: clock.remainingMs === null ? null : clock.remainingMs + added,
    remainingWarnMs: clock.remainingWarnMs === null ? null : clock.remainingWarnMs + added,
    remainingLegalMs: clock.remainingLegalMs === null ? null : clock.remainingLegalMs + legalAdded,
  };
}

/**
 * The calendar changed under a running clock (an admin made a day a holiday or a workday): the
 * working time still to go, measured on the old calendar, is laid out again on the new one from
 * `now`. What was counted stays counted; a paused or stopped clock keeps what it has.
 */
export function recalendarClock(
  before: CalendarDefinition,
  after: CalendarDefinition,
  clock: ClockTimes,
  now: Date,
): ClockTimes {
  if (clock.pausedAt || clock.stoppedAt) return clock;
  const again = (threshold: Date) =>
    threshold > now ? addWorkingTime(after, now, minutes(workingMs(before, now, threshold))) : threshold;
  return {
    ...clock,
    dueAt: again(clock.dueAt),
    warnAt: again(clock.warnAt),
    legalDueAt: clock.legalDueAt ? again(clock.legalDueAt) : null,
  };
}

/** What the clock shows at `now`. Read from the times, so it is right even before a timer fires. */
export function clockState(clock: ClockTimes, now: Date): SlaState {
  if (clock.stoppedAt) return clock.overdueAt || clock.stoppedAt > clock.dueAt ? 'breached' : 'met';
  if (clock.pausedAt) return 'paused';
  if (clock.overdueAt || now >= clock.dueAt) return 'overdue';
  if (clock.warnedAt || now >= clock.warnAt) return 'warning';
  return 'running';
}

/** A threshold a timer records once: the warning share, the promised due time, the legal due time. */
export type Threshold = 'warning' | 'overdue' | 'legal';

/**
 * The next instant a timer must look at the clock: its warning, its due time, then its legal due
 * time (a matter's legal limit is never shorter than its promise); none once all passed or while paused.
 */
export function nextThreshold(clock: ClockTimes): { threshold: Threshold; at: Date } | null {
  if (clock.stoppedAt || clock.pausedAt) return null;
  if (!clock.warnedAt && clock.warnAt < clock.dueAt) return { threshold: 'warning', at: clock.warnAt };
  if (!clock.overdueAt) return { threshold: 'overdue', at: clock.dueAt };
  if (clock.legalDueAt && !clock.legalBreachedAt) return { threshold: 'legal', at: clock.legalDueAt };
  return null;
}

/** The legal limit's own state (法定时限): running, paused, met or breached; null for a clock without one. */
export type LegalState = 'running' | 'paused' | 'met' | 'breached';

export function legalState(clock: ClockTimes, now: Date): LegalState | null {
  if (!clock.legalDueAt) return null;
  if (clock.stoppedAt) return clock.legalBreachedAt || clock.stoppedAt > clock.legalDueAt ? 'breached' : 'met';
  if (clock.legalBreachedAt || (!clock.pausedAt && now >= clock.legalDueAt)) return 'breached';
  return clock.pausedAt ? 'paused' : 'running';
}

/**
 * Thresholds reached by `now` and not yet recorded, in order: each is recorded once (the caller
 * writes warnedAt / overdueAt with the timeline event in one transaction).
 */
export function thresholdsDue(clock: ClockTimes, now: Date): Threshold[] {
  if (clock.stoppedAt || clock.pausedAt) return [];
  const due: Threshold[] = [];
  if (!clock.warnedAt && now >= clock.warnAt && clock.warnAt < clock.dueAt) due.push('warning');
  if (!clock.overdueAt && now >= clock.dueAt) due.push('overdue');
  if (clock.legalDueAt && !clock.legalBreachedAt && now >= clock.legalDueAt) due.push('legal');
  return due;
}

export interface SlaView {
  state: SlaState;
  dueAt: Date;
  warnAt: Date;
  legalDueAt: Date | null;
  /** The legal limit's state; null when the clock has none. */
  legalState: LegalState | null;
  /** Working minutes that passed while paused (not counted). */
  pausedMinutes: number;
  /** Working minutes left to the due time; negative once overdue (by how much). */
  remainingWorkingMinutes: number;
}

export function slaView(cal: CalendarDefinition, clock: ClockTimes, now: Date): SlaView {
  const at = clock.stoppedAt ?? now;
  let remaining: number;
  if (clock.pausedAt && !clock.stoppedAt) remaining = (clock.remainingMs ?? 0) / MINUTE_MS;
  else if (at <= clock.dueAt) remaining = workingMinutesBetween(cal, at, clock.dueAt);
  else remaining = -workingMinutesBetween(cal, clock.dueAt, at);
  const pausedMs = clock.pausedMs + (clock.pausedAt && !clock.stoppedAt ? workingMs(cal, clock.pausedAt, now) : 0);
  return {
    state: clockState(clock, now),
    dueAt: clock.dueAt,
    warnAt: clock.warnAt,
    legalDueAt: clock.legalDueAt,
    legalState: legalState(clock, now),
    pausedMinutes: Math.round(pausedMs / MINUTE_MS),
    remainingWorkingMinutes: Math.round(remaining),
  };
}

import type { TimeLimit } from '#database';
import type { ClockKind } from './sla-clock.js';
import type { SlaClock } from './sla.types.js';

/** A row of `sla_clocks` as mysql2 gives it (BIGINT and DECIMAL as strings). */
export interface ClockRecord {
  id: string | number;
  request_id: string | number;
  kind: ClockKind;
  step_key: string | null;
  calendar_code: string;
  limit_value: number;
  limit_unit: TimeLimit['unit'];
  warn_share: string | number;
  started_at: Date;
  due_at: Date;
  warn_at: Date;
  legal_due_at: Date | null;
  paused_at: Date | null;
  remaining_ms: string | number | null;
  remaining_warn_ms: string | number | null;
  remaining_legal_ms: string | number | null;
  paused_ms: string | number;
  warned_at: Date | null;
  overdue_at: Date | null;
  legal_breached_at: Date | null;
  stopped_at: Date | null;
  worked_ms: string | number | null;
  generation: number;
  calendar_revision: string | number;
}

const num = (value: string | number | null): number | null => (value === null ? null : Number(value));

export function fromRecord(r: ClockRecord): SlaClock {
  return {
    id: String(r.id),
    requestId: String(r.request_id),
    kind: r.kind,
    stepKey: r.step_key,
    calendarCode: r.calendar_code,
    limit: { value: Number(r.limit_value), unit: r.limit_unit },
    warnShare: Number(r.warn_share),
    generation: Number(r.generation),
    calendarRevision: Number(r.calendar_revision),
    startedAt: r.started_at,
    dueAt: r.due_at,
    warnAt: r.warn_at,
    legalDueAt: r.legal_due_at,
    pausedAt: r.paused_at,
    remainingMs: num(r.remaining_ms),
    remainingWarnMs: num(r.remaining_warn_ms),
    remainingLegalMs: num(r.remaining_legal_ms),
    pausedMs: Number(r.paused_ms),
    warnedAt: r.warned_at,
    overdueAt: r.overdue_at,
    legalBreachedAt: r.legal_breached_at ?? null,
    stoppedAt: r.stopped_at,
    workedMs: num(r.worked_ms),
  };
}

/** Every column of `sla_clocks`, in the table's order: what a clock is read from. */
export const CLOCK_COLUMNS = [
  'id',
  'request_id',
  'kind',
  'step_key',
  'calendar_code',
  'limit_value',
  'limit_unit',
  'warn_share',
  'started_at',
  'due_at',
  'warn_at',
  'legal_due_at',
  'paused_at',
  'remaining_ms',
  'remaining_warn_ms',
  'remaining_legal_ms',
  'paused_ms',
  'warned_at',
  'overdue_at',
  'legal_breached_at',
  'stopped_at',
  'worked_ms',
  'generation',
  'calendar_revision',
] as const satisfies readonly (keyof ClockRecord)[];

/**
 * The clock of a row whose `sla_clocks` columns are named `<prefix><column>`: for a query that reads
 * a request's clocks beside its other rows in one round trip (request-details.ts in #requests).
 */
export function clockOfPrefixedRow(row: object, prefix: string): SlaClock {
  const columns = row as Readonly<Record<string, unknown>>;
  const record: Record<string, unknown> = {};
  for (const column of CLOCK_COLUMNS) record[column] = columns[`${prefix}${column}`];
  return fromRecord(record as unknown as ClockRecord);
}

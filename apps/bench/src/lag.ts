import type mysql from 'mysql2/promise';
import { json, LICENCE_MATERIALS, rows } from './desk.js';
import { percentile } from './drive.js';
import type { BenchTarget } from './harness.js';

/**
 * How far the desk's background work falls behind under load, as the scaled bench measures it:
 * the outbox relay's lag and the SLA timers' lateness.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Spread {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function spread(xs: readonly number[]): Spread {
  return { count: xs.length, p50: percentile(xs, 50), p99: percentile(xs, 99), max: xs.length ? Math.max(...xs) : 0 };
}

/**
 * Outbox lag: every `everyMs`, the age of the oldest outbox row not yet published (0 when none
 * waits), from MySQL itself (`outbox_events.published_at IS NULL`, the relay's own index). The age
 * counts from the row's `created_at`, written in the api's transaction, so it includes the rest of
 * that transaction, the wait for the next relay run (every second) and the relay's own work.
 */
export function sampleOutboxLag(admin: mysql.Connection, target: BenchTarget, everyMs = 500) {
  const samples: number[] = [];
  let running = true;
  // A failed read (the database dropped on Ctrl-C) ends the sampling; stop() then throws it.
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      const [row] = await rows<{ oldest: Date | null }>(
        admin,
        `SELECT MIN(created_at) AS oldest FROM \`${target.databaseName}\`.outbox_events WHERE published_at IS NULL`,
      );
      samples.push(row.oldest ? Math.max(0, at - row.oldest.getTime()) : 0);
      await sleep(Math.max(0, at + everyMs - Date.now()));
    }
  })().then(
    () => null,
    (error: unknown) => error,
  );
  return {
    async stop(): Promise<number[]> {
      running = false;
      const error = await loop;
      if (error) throw error;
      return samples;
    },
  };
}

/**
 * The item whose requests carry the timers the bench measures: one step (the licence), on the
 * `always` calendar (24x7, so the time counts whatever the day and hour in Asia/Shanghai), with an
 * intake limit of 1 working minute and a warning at half of it. A request of it left untouched
 * warns 30 s after its intake and is overdue 60 s after it: the shortest limit and the lowest
 * warning share the catalogue takes. Made through the api as an admin would.
 */
export const TIMER_ITEM = 'BENCH-TIMERS';
export const TIMER_WARN_AFTER_MS = 30_000;

export async function createTimerItem(api: string, adminToken: string): Promise<void> {
  const call = async (path: string, body: unknown) => {
    const res = await fetch(`${api}/api/v1${path}`, {
      method: 'POST',
      headers: json(adminToken),
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { version: number };
  };
  const draft = await call('/items', {
    code: TIMER_ITEM,
    name: '基准测试计时事项',
    category: 'enterprise',
    calendarCode: 'always',
    promisedLimit: { value: 1, unit: 'workingDays' },
    intakeLimit: { value: 1, unit: 'workingMinutes' },
    warnShare: 0.5,
    steps: [{ key: 'licence', matterCode: 'BIZ-LICENCE' }],
  });
  await call(`/items/${TIMER_ITEM}/versions/${draft.version}/publish`, {});
}

/**
 * Submits `perSecond` requests of the timer item for `ms`, at an even pace whatever the answers
 * take, round the apis in turn. Answers how many were taken in and how many were not.
 */
export async function trickle(
  apis: readonly string[],
  token: string,
  perSecond: number,
  ms: number,
): Promise<{ taken: number; refused: number }> {
  const body = JSON.stringify({ itemCode: TIMER_ITEM, form: {}, materials: LICENCE_MATERIALS });
  const count = Math.floor((perSecond * ms) / 1000);
  const started = Date.now();
  const answers: Promise<boolean>[] = [];
  for (let i = 0; i < count; i++) {
    await sleep(Math.max(0, started + (i * 1000) / perSecond - Date.now()));
    answers.push(
      fetch(`${apis[i % apis.length]}/api/v1/requests`, { method: 'POST', headers: json(token), body })
        .then(async (res) => {
          await res.arrayBuffer();
          return res.ok;
        })
        .catch(() => false),
    );
  }
  await sleep(Math.max(0, started + ms - Date.now()));
  const ok = await Promise.all(answers);
  const taken = ok.filter(Boolean).length;
  return { taken, refused: ok.length - taken };
}

export interface Lateness extends Spread {
  /** Thresholds that fell due in the window, by kind. */
  warnings: number;
  overdue: number;
  /** Due in the window but still not recorded when the bench stopped waiting. */
  missing: number;
}

/**
 * Timer lateness, as MySQL records it: for each threshold of a timer-item request's intake clock
 * that fell due within `window` (the load), the time the worker recorded it (`warned_at`,
 * `overdue_at`: the worker's clock, read in the timer's own transaction) minus its due time
 * (`warn_at`, `due_at`). That is the whole way a timer goes: the outbox event that set it, BullMQ's
 * delayed job promoted on time or not, the worker free to take it, and the transaction that records
 * it; a threshold a timer missed is recorded by the reconciliation, minutes late, and counts so.
 * Waits up to `waitMs` after the window for the last ones; what is still missing then is counted.
 */
export async function timerLateness(
  admin: mysql.Connection,
  target: BenchTarget,
  window: { from: number; to: number },
  waitMs = 60_000,
): Promise<Lateness> {
  const read = () =>
    rows<{ warn_at: Date; warned_at: Date | null; due_at: Date; overdue_at: Date | null }>(
      admin,
      `SELECT c.warn_at, c.warned_at, c.due_at, c.overdue_at FROM \`${target.databaseName}\`.sla_clocks c
         JOIN \`${target.databaseName}\`.service_requests r ON r.id = c.request_id
        WHERE r.item_code = ? AND c.kind = 'intake'`,
      [TIMER_ITEM],
    );
  const inWindow = (at: Date) => at.getTime() >= window.from && at.getTime() <= window.to;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const thresholds = (await read()).flatMap((c) => [
      ...(inWindow(c.warn_at) ? [{ kind: 'warning', due: c.warn_at, recorded: c.warned_at }] : []),
      ...(inWindow(c.due_at) ? [{ kind: 'overdue', due: c.due_at, recorded: c.overdue_at }] : []),
    ]);
    const missing = thresholds.filter((t) => t.recorded === null).length;
    if (missing === 0 || Date.now() > deadline) {
      const late = thresholds.flatMap((t) => (t.recorded ? [t.recorded.getTime() - t.due.getTime()] : []));
      return {
        ...spread(late),
        warnings: thresholds.filter((t) => t.kind === 'warning').length,
        overdue: thresholds.filter((t) => t.kind === 'overdue').length,
        missing,
      };
    }
    await sleep(1000);
  }
}

import { Redis } from 'ioredis';
import { eventually } from '../helpers.js';
import { outputs } from './processes.js';

/**
 * What the restart suite checks after each restart, in the database and in Redis: each call happened
 * once, no request is half written, the outbox drained, every running clock has its timer, every
 * webhook delivery was sent.
 */

const LONG = 180_000;
export const STEPS = ['a', 'b', 'c'] as const;
export const NAMES = ['submit', 'accept', ...STEPS] as const;
/** The audit actions each of which one outbox event of the same type goes with, in the same transaction. */
const PAIRED = ['request.submitted', 'request.accepted', 'step.activated', 'step.approved', 'request.completed'];

/** One request's calls by one client, each with its own Idempotency-Key; `upTo` is where the client stops. */
export interface Flow {
  id?: string;
  done: string[];
  keys: Record<string, string>;
  upTo: number;
}

export type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

export interface CheckContext {
  query: Query;
  /** The flows the clients made so far. */
  flows: readonly Flow[];
  redisUrl: () => string;
  prefix: string;
  subscriptionId: () => string;
}

export function restartChecks(ctx: CheckContext) {
  const { query } = ctx;

  /** Each flow's calls happened once each, whatever they met on the way. */
  async function eachCallOnce() {
    for (const flow of ctx.flows) {
      expect(flow.done).toEqual(NAMES.slice(0, flow.upTo));
      const rows = await query<{ action: string; n: number | string }>(
        `SELECT action, COUNT(*) AS n FROM audit_events WHERE subject_type = 'request' AND subject_id = ?
           AND action IN (?) GROUP BY action`,
        [flow.id, PAIRED],
      );
      const counts = Object.fromEntries(rows.map((r) => [r.action, Number(r.n)]));
      const want: Record<string, number> = { 'request.submitted': 1 };
      if (flow.upTo >= 2) Object.assign(want, { 'request.accepted': 1, 'step.activated': STEPS.length });
      if (flow.upTo === NAMES.length) Object.assign(want, { 'step.approved': STEPS.length, 'request.completed': 1 });
      expect({ id: flow.id, counts }).toEqual({ id: flow.id, counts: want });
    }
  }

  /**
   * No request half written: each has its steps, and each of its audit events the outbox event of
   * the same transaction (and no outbox event without its audit event); its step clocks exist once it
   * was accepted, and its steps' states agree with its timeline.
   */
  async function noneHalfWritten(): Promise<number> {
    const requests = await query<{ id: string; status: string; steps: number | string; approved: number | string }>(
      `SELECT r.id, r.status, COUNT(s.step_key) AS steps, SUM(s.status = 'approved') AS approved
         FROM service_requests r LEFT JOIN request_steps s ON s.request_id = r.id GROUP BY r.id`,
    );
    const audit = await query<{ id: string; action: string; n: number | string }>(
      `SELECT subject_id AS id, action, COUNT(*) AS n FROM audit_events
        WHERE subject_type = 'request' AND action IN (?) GROUP BY subject_id, action`,
      [PAIRED],
    );
    const outbox = await query<{ request: string; type: string; n: number | string }>(
      `SELECT JSON_UNQUOTE(JSON_EXTRACT(payload, '$.requestId')) AS request, type, COUNT(*) AS n FROM outbox_events
        WHERE type IN (?) GROUP BY request, type`,
      [PAIRED],
    );
    const clocks = await query<{ id: string; intake: number | string; step: number | string }>(
      `SELECT request_id AS id, SUM(kind = 'intake') AS intake, SUM(kind = 'step') AS step FROM sla_clocks GROUP BY request_id`,
    );
    const key = (id: string, what: string) => `${id} ${what}`;
    const audited = new Map(audit.map((r) => [key(String(r.id), r.action), Number(r.n)]));
    const relayed = new Map(outbox.map((r) => [key(String(r.request), r.type), Number(r.n)]));
    const clocksOf = new Map(clocks.map((r) => [String(r.id), { intake: Number(r.intake), step: Number(r.step) }]));
    const problems: string[] = [];
    for (const r of requests) {
      const id = String(r.id);
      const a = (what: string) => audited.get(key(id, what)) ?? 0;
      if (Number(r.steps) !== STEPS.length) problems.push(`${id}: ${r.steps} steps`);
      for (const what of PAIRED) {
        if (a(what) !== (relayed.get(key(id, what)) ?? 0)) {
          problems.push(`${id}: ${a(what)} audit ${what}, ${relayed.get(key(id, what)) ?? 0} outbox`);
        }
      }
      if (a('request.submitted') !== 1) problems.push(`${id}: ${a('request.submitted')} submissions`);
      const clock = clocksOf.get(id) ?? { intake: 0, step: 0 };
      if (clock.intake !== 1) problems.push(`${id}: ${clock.intake} intake clocks`);
      const accepted = a('request.accepted');
      if (clock.step !== (accepted ? STEPS.length : 0) || a('step.activated') !== (accepted ? STEPS.length : 0)) {
        problems.push(`${id}: accepted ${accepted}, ${clock.step} step clocks, ${a('step.activated')} activated`);
      }
      if (Number(r.approved ?? 0) !== a('step.approved')) {
        problems.push(`${id}: ${r.approved} steps approved, ${a('step.approved')} in the timeline`);
      }
      if ((r.status === 'completed') !== (a('request.completed') === 1)) {
        problems.push(`${id}: ${r.status}, ${a('request.completed')} completions`);
      }
    }
    expect(problems).toEqual([]);
    return requests.length;
  }

  /** Until every outbox event is published. */
  async function outboxDrained(): Promise<void> {
    await eventually(
      async () => {
        const [{ n }] = await query<{ n: number | string }>(
          'SELECT COUNT(*) AS n FROM outbox_events WHERE published_at IS NULL',
        );
        return Number(n) === 0;
      },
      'every outbox event published',
      LONG,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${outputs()}`);
    });
  }

  /**
   * Until every running clock has its timer in Redis: a delayed `sla.fire` job of the clock's current
   * generation (`sla-<clock>-<generation>-<threshold>`). Returns how many.
   */
  async function everyClockTimed(): Promise<{ clocks: number; timers: number }> {
    const client = new Redis(ctx.redisUrl(), { lazyConnect: true });
    await client.connect();
    try {
      let missing: string[] = [];
      const found = await eventually(
        async () => {
          const clocks = await query<{ id: string; generation: number }>(
            'SELECT id, generation FROM sla_clocks WHERE stopped_at IS NULL AND paused_at IS NULL',
          );
          const delayed = await client.zrange(`${ctx.prefix}:sla:delayed`, '0', '-1');
          const timed = new Set(delayed.map((id) => /^sla-(\d+-\d+)-/.exec(id)?.[1]).filter(Boolean));
          missing = clocks.filter((c) => !timed.has(`${c.id}-${c.generation}`)).map((c) => c.id);
          return clocks.length > 0 && missing.length === 0 ? { clocks: clocks.length, timers: delayed.length } : null;
        },
        'a timer for every running clock',
        LONG,
      ).catch((error: Error) => {
        throw new Error(`${error.message}: ${missing.length} clocks without one (${missing.slice(0, 20).join(', ')})`);
      });
      return found;
    } finally {
      client.disconnect();
    }
  }

  /** Until every delivery of the subscription is delivered; returns how many there are. */
  async function everyDelivery(): Promise<number> {
    return eventually(
      async () => {
        const rows = await query<{ status: string; n: number | string }>(
          'SELECT status, COUNT(*) AS n FROM webhook_deliveries WHERE subscription_id = ? GROUP BY status',
          [ctx.subscriptionId()],
        );
        return rows.length === 1 && rows[0].status === 'delivered' ? Number(rows[0].n) : null;
      },
      'every webhook delivered',
      LONG,
    ).catch(async (error: Error) => {
      const open = await query(
        `SELECT id, request_id, event_id, attempts, sending_until, last_error FROM webhook_deliveries
          WHERE subscription_id = ? AND status <> 'delivered' LIMIT 20`,
        [ctx.subscriptionId()],
      );
      throw new Error(`${error.message}: ${JSON.stringify(open)}\n${outputs()}`);
    });
  }

  /** How many deliveries the sweep enqueued again in this Redis (its jobs' ids say so). */
  async function swept(): Promise<number> {
    const client = new Redis(ctx.redisUrl(), { lazyConnect: true });
    await client.connect();
    try {
      const keys = await client.keys(`${ctx.prefix}:webhooks:webhook-*-sweep*`);
      return keys.filter((k) => !/:(lock|logs)$/.test(k)).length;
    } finally {
      client.disconnect();
    }
  }

  return { eachCallOnce, noneHalfWritten, outboxDrained, everyClockTimed, everyDelivery, swept };
}

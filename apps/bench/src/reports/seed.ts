import mysql from 'mysql2/promise';
import { say } from './print.js';
import { api } from './processes.js';
import { BATCH, DAY, DEMO_PASSWORD, HOUR, MIN, REQUESTS } from './settings.js';

/** A deterministic generator, so two seeds of the same size hold the same requests. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface BenchItem {
  code: string;
  versionId: string;
  /** Steps in order; a step with `after` starts when that one is decided. */
  steps: { key: string; matter: string; department: string; after?: string }[];
}

const ITEMS: Omit<BenchItem, 'versionId'>[] = [
  {
    code: 'BENCH-LICENCE-TAX',
    steps: [
      { key: 'licence', matter: 'BIZ-LICENCE', department: 'SAMR' },
      { key: 'tax', matter: 'TAX-REGISTRATION', department: 'TAX', after: 'licence' },
    ],
  },
  { code: 'BENCH-SEAL', steps: [{ key: 'seal', matter: 'SEAL-ENGRAVING', department: 'PSB' }] },
  {
    code: 'BENCH-SOCIAL-FUND',
    steps: [
      { key: 'social', matter: 'SOCIAL-INSURANCE', department: 'HRSS' },
      { key: 'fund', matter: 'HOUSING-FUND', department: 'HPF' },
    ],
  },
];

const dt = (t: number) => new Date(t);

/** Inserts `REQUESTS` ended requests with their steps and clocks, in batches, straight into MySQL. */
async function insertRequests(
  db: mysql.Connection,
  items: BenchItem[],
  approvers: Map<string, string[]>,
  applicantId: string,
  uscc: string,
) {
  const rnd = random(20261127);
  const end = Date.parse(`${new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 10)}T00:00:00+08:00`);
  const start = end - 365 * DAY;
  const [[{ next }]] = (await db.query('SELECT COALESCE(MAX(id), 0) + 1 AS next FROM service_requests')) as unknown as [
    { next: number }[],
  ];
  let id = Number(next);
  const started = Date.now();
  for (let done = 0; done < REQUESTS; done += BATCH) {
    const requests: unknown[][] = [];
    const steps: unknown[][] = [];
    const clocks: unknown[][] = [];
    for (let i = 0; i < Math.min(BATCH, REQUESTS - done); i++, id++) {
      const item = items[Math.floor(rnd() * items.length)];
      const hall = rnd() < 0.6 ? 'CENTRE' : 'EAST';
      const submitted = start + Math.floor(rnd() * (365 * DAY - 4 * DAY));
      const fate = rnd();
      const status = fate < 0.92 ? 'completed' : fate < 0.95 ? 'denied' : fate < 0.98 ? 'refused' : 'withdrawn';
      let accepted: number | null = null;
      let ended = submitted + Math.floor(rnd() * 2 * DAY) + 10 * MIN;
      if (status === 'completed' || status === 'denied') {
        accepted = submitted + 10 * MIN + Math.floor(rnd() * 8 * HOUR);
        const decided = new Map<string, number>();
        let requestPaused = 0;
        let last = accepted;
        for (const [index, step] of item.steps.entries()) {
          const activated = step.after ? decided.get(step.after)! : accepted;
          const worked = (20 + Math.floor(rnd() * 1500)) * MIN + Math.floor(rnd() * MIN);
          const paused = rnd() < 0.1 ? Math.floor(rnd() * 2 * DAY) : 0;
          requestPaused += paused;
          const at = activated + worked + paused;
          decided.set(step.key, at);
          last = Math.max(last, at);
          const denied = status === 'denied' && index === item.steps.length - 1;
          const people = approvers.get(step.department)!;
          const approver = people[Math.floor(rnd() * people.length)];
          const due = activated + 8 * HOUR + paused;
          steps.push([
            id,
            step.key,
            index,
            step.matter,
            '审批',
            step.department,
            JSON.stringify(step.after ? [step.after] : []),
            denied ? 'denied' : 'approved',
            dt(activated),
            dt(at),
            approver,
            denied ? null : `B${id}-${index}`,
            denied ? null : dt(at),
          ]);
          clocks.push([
            id,
            'step',
            step.key,
            'zone',
            1,
            'workingDays',
            dt(activated),
            dt(due),
            dt(activated + 6 * HOUR),
            paused,
            at > due ? dt(due) : null,
            dt(at),
            worked,
          ]);
        }
        ended = last;
        const worked = Math.max(0, ended - accepted - requestPaused);
        const due = accepted + 3 * DAY + requestPaused;
        clocks.push([
          id,
          'request',
          null,
          'zone',
          3,
          'workingDays',
          dt(accepted),
          dt(due),
          dt(accepted + 2 * DAY),
          requestPaused,
          ended > due ? dt(due) : null,
          dt(ended),
          worked,
        ]);
      }
      requests.push([
        id,
        `B${String(id).padStart(12, '0')}`,
        item.code,
        item.versionId,
        1,
        uscc,
        hall,
        status,
        '{}',
        '[]',
        applicantId,
        dt(submitted),
        accepted === null ? null : dt(accepted),
        status === 'completed' ? dt(ended) : null,
        dt(ended),
        dt(ended),
      ]);
    }
    await db.query(
      `INSERT INTO service_requests (id, number, item_code, item_version_id, item_version, company_uscc, hall_code, status, form,
         materials, submitted_by, submitted_at, accepted_at, completed_at, ended_at, updated_at) VALUES ?`,
      [requests],
    );
    if (steps.length > 0) {
      await db.query(
        `INSERT INTO request_steps (request_id, step_key, position, matter_code, matter_name, department_code, depends_on, status,
           activated_at, decided_at, decided_by, output_number, issued_at, output_kind, output_name) VALUES ?`,
        [steps.map((s) => [...s, 'licence', '证照'])],
      );
      await db.query(
        `INSERT INTO sla_clocks (request_id, kind, step_key, calendar_code, limit_value, limit_unit, started_at, due_at, warn_at,
           paused_ms, overdue_at, stopped_at, worked_ms, warn_share) VALUES ?`,
        [clocks.map((c) => [...c, 0.8])],
      );
    }
    if ((done + BATCH) % 100_000 === 0)
      say(`  ${done + BATCH} requests (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  return (Date.now() - started) / 1000;
}

/**
 * The bench's requests from scratch: its items (published through the api, as an admin would make
 * them) and two approvers per department, then the requests seeded before deleted with their
 * steps, clocks and report facts, and `REQUESTS` ended ones inserted.
 */
export async function seedRequests(db: mysql.Connection, base: string, adminToken: string): Promise<void> {
  // The catalogue and approvers through the api, as an admin would make them.
  const items: BenchItem[] = [];
  for (const item of ITEMS) {
    const existing = (await db.query('SELECT id FROM item_versions WHERE item_code = ? AND status = ?', [
      item.code,
      'published',
    ])) as unknown as [{ id: string }[]];
    if (existing[0].length === 0) {
      const draft = await api(base, adminToken, 'POST', '/items', {
        code: item.code,
        name: `压测事项 ${item.code}`,
        category: 'bench',
        promisedLimit: { value: 3, unit: 'workingDays' },
        steps: item.steps.map((s) => ({ key: s.key, matterCode: s.matter, dependsOn: s.after ? [s.after] : [] })),
      });
      await api(base, adminToken, 'POST', `/items/${item.code}/versions/${String(draft.version)}/publish`);
    }
    const [[version]] = (await db.query('SELECT id FROM item_versions WHERE item_code = ? AND status = ?', [
      item.code,
      'published',
    ])) as unknown as [{ id: string }[]];
    items.push({ ...item, versionId: String(version.id) });
  }
  const approvers = new Map<string, string[]>();
  for (const department of new Set(ITEMS.flatMap((i) => i.steps.map((s) => s.department)))) {
    for (const n of [1, 2]) {
      const username = `bench.${department.toLowerCase()}.${n}`;
      const [[found]] = (await db.query('SELECT id FROM users WHERE username = ?', [username])) as unknown as [
        { id: string }[],
      ];
      const userId = found
        ? String(found.id)
        : ((
            await api(base, adminToken, 'POST', '/users', {
              username,
              password: DEMO_PASSWORD,
              role: 'approver',
              departmentCode: department,
            })
          ).id as string);
      approvers.set(department, [...(approvers.get(department) ?? []), userId]);
    }
  }
  const [[applicant]] = (await db.query(
    "SELECT id, company_uscc AS uscc FROM users WHERE username = 'demo.applicant'",
  )) as unknown as [{ id: string; uscc: string }[]];
  await db.query('DELETE FROM report_steps');
  await db.query('DELETE FROM report_requests');
  await db.query("DELETE c FROM sla_clocks c JOIN service_requests r ON r.id = c.request_id WHERE r.number LIKE 'B%'");
  await db.query(
    "DELETE s FROM request_steps s JOIN service_requests r ON r.id = s.request_id WHERE r.number LIKE 'B%'",
  );
  await db.query("DELETE FROM service_requests WHERE number LIKE 'B%'");
  say(`seeding ${REQUESTS} ended requests with their steps and clocks, ${BATCH} a batch…`);
  const seconds = await insertRequests(db, items, approvers, applicant.id, applicant.uscc);
  const [[counts]] = (await db.query(
    'SELECT (SELECT COUNT(*) FROM service_requests) AS r, (SELECT COUNT(*) FROM request_steps) AS s, (SELECT COUNT(*) FROM sla_clocks) AS c',
  )) as unknown as [{ r: string; s: string; c: string }[]];
  say(`seeded in ${seconds.toFixed(0)} s: ${counts.r} requests, ${counts.s} steps, ${counts.c} clocks`);
}

/**
 * One in three ended requests rated a day after it ended (mostly 4 and 5); each 1 or 2 opens a
 * follow-up with a five-day clock, four in five closed within two days, the rest left open.
 */
export async function seedEvaluations(db: mysql.Connection): Promise<void> {
  const score = `CASE WHEN (r.id * 7919) % 100 < 5 THEN 1 WHEN (r.id * 7919) % 100 < 10 THEN 2
    WHEN (r.id * 7919) % 100 < 25 THEN 3 WHEN (r.id * 7919) % 100 < 55 THEN 4 ELSE 5 END`;
  await db.query(
    `INSERT INTO evaluations (request_id, company_uscc, hall_code, item_code, score, evaluated_by, evaluated_at)
     SELECT r.id, r.company_uscc, r.hall_code, r.item_code, ${score}, r.submitted_by, r.ended_at + INTERVAL 1 DAY
       FROM service_requests r WHERE r.number LIKE 'B%' AND r.id % 3 = 0 AND r.status IN ('completed', 'denied', 'refused')`,
  );
  await db.query(
    `INSERT INTO follow_ups (request_id, evaluation_id, hall_code, status, opened_at, closed_at)
     SELECT e.request_id, e.id, e.hall_code, IF(e.id % 5 = 0, 'open', 'closed'), e.evaluated_at,
            IF(e.id % 5 = 0, NULL, e.evaluated_at + INTERVAL (e.id % 48) HOUR)
       FROM evaluations e WHERE e.score <= 2`,
  );
  await db.query(
    `INSERT INTO sla_clocks (request_id, kind, step_key, calendar_code, limit_value, limit_unit, warn_share, started_at, due_at,
       warn_at, stopped_at, worked_ms)
     SELECT f.request_id, 'follow-up', NULL, 'zone', 5, 'workingDays', 0.8, f.opened_at, f.opened_at + INTERVAL 7 DAY,
            f.opened_at + INTERVAL 5 DAY, f.closed_at, IF(f.closed_at IS NULL, NULL, TIMESTAMPDIFF(MICROSECOND, f.opened_at, f.closed_at) DIV 1000)
       FROM follow_ups f`,
  );
}

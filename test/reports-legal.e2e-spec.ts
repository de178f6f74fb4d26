import { Clock } from '#common';
import { LegalOnTime1797440000000 } from '#database';
import { ReportFacts, ReportRollups } from '#reports';
import { appAndWorkerWithWorld } from './fixtures/clock.js';
import { apiOf, usccOf } from './fixtures/world.js';
import { eventually, unique } from './helpers.js';

/** The api's time, set by the test: every request below has a timeline known to the minute. */
class SetClock extends Clock {
  at = new Date(0);
  now(): Date {
    return new Date(this.at);
  }
}

const HOUR = 3_600_000;
/** 09:00 in the zone on a first of a month centuries ahead, different for each run (the database is shared). */
const MONTH_STARTS = Array.from(
  { length: 12 * 300 },
  (_, i) => new Date(Date.UTC(2500 + Math.floor(i / 12), i % 12, 1)),
)
  .filter((d) => d.getUTCDay() === 1)
  .map((d) => d.toISOString().slice(0, 10));
const D0 = MONTH_STARTS[Math.floor(Date.now() / 1000) % MONTH_STARTS.length];
const T0 = Date.parse(`${D0}T01:00:00Z`);
const D2 = new Date(Date.parse(`${D0}T00:00:00Z`) + 2 * 86_400_000).toISOString().slice(0, 10);

/**
 * On time against the law (法定时限), counted apart from the promise: one step of 10 working hours
 * promised and 20 by law, the request promised 12 (calendar `always`). Three requests, decided 2,
 * 15 and 25 hours after acceptance: the first meets both, the second misses only the promise, the
 * third misses the law too.
 */
describe('reports: on time against the law beside the promise', () => {
  const u = unique().toUpperCase();
  const ITEM = `RL-${u}`;
  const HALL = `RLH-${u}`;
  const DEPT = `RLD-${u}`;
  const company = usccOf('91320598');
  const clock = new SetClock();
  const suite = appAndWorkerWithWorld(
    clock,
    {
      departments: [{ code: DEPT, name: '法定时限报表部门' }],
      halls: [{ code: HALL, name: '法定时限报表大厅', level: 'centre' }],
      matters: [
        {
          code: `RLM-${u}`,
          name: '法定时限报表事项',
          departmentCode: DEPT,
          promisedLimit: { value: 10, unit: 'workingHours' },
          legalLimit: { value: 20, unit: 'workingHours' },
          materials: [{ code: 'FORM', name: '申请表', required: true, key: true }],
          output: { kind: 'licence', name: '许可证' },
        },
      ],
      items: [
        {
          code: ITEM,
          name: '法定时限报表一件事',
          category: 'test',
          calendarCode: 'always',
          promisedLimit: { value: 12, unit: 'workingHours' },
          steps: [{ key: 'review', matterCode: `RLM-${u}` }],
        },
      ],
      companies: [{ uscc: company, name: '法定时限报表公司' }],
      users: {
        applicant: { role: 'applicant', companyUscc: company, username: `rl-applicant-${u}` },
        clerk: { role: 'clerk', hallCode: HALL, username: `rl-clerk-${u}` },
        approver: { role: 'approver', departmentCode: DEPT, username: `rl-approver-${u}` },
        manager: { role: 'manager', username: `rl-manager-${u}` },
      },
    },
    { workerClock: false, readerLanguage: 'default' },
  );
  const { tokens } = suite;
  const api = apiOf(() => suite.app);
  const ids: string[] = [];

  const act = async (hours: number, path: string, token: string, body: object = {}) => {
    clock.at = new Date(T0 + hours * HOUR);
    const res = await api.post(path, token, body);
    if (res.status >= 300) throw new Error(`${path} at +${hours}h: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; steps: { sla: { state: string; legalState?: string } | null }[] };
  };

  beforeAll(async () => {
    for (const decided of [2, 15, 25]) {
      const { id } = await act(0, '/requests', tokens.applicant, {
        itemCode: ITEM,
        form: {},
        materials: [{ code: 'FORM', reference: 'f.pdf' }],
      });
      await act(0, `/requests/${id}/accept`, tokens.clerk);
      const approved = await act(decided, `/requests/${id}/steps/review/approve`, tokens.approver);
      // The clocks' own states, which the facts are copied from.
      expect(approved.steps[0].sla).toMatchObject(
        decided === 2
          ? { state: 'met', legalState: 'met' }
          : decided === 15
            ? { state: 'breached', legalState: 'met' }
            : { state: 'breached', legalState: 'breached' },
      );
      ids.push(id);
    }
    await eventually(
      async () => {
        const [{ n }] = (await suite.db.query(
          'SELECT COUNT(*) AS n FROM report_requests WHERE request_id IN (?, ?, ?)',
          ids,
        )) as { n: string }[];
        const [{ s }] = (await suite.db.query(
          'SELECT COUNT(*) AS s FROM report_steps WHERE request_id IN (?, ?, ?)',
          ids,
        )) as { s: string }[];
        return Number(n) === 3 && Number(s) === 3;
        // The worker projects them behind every event the earlier files of a full run left in the outbox.
      },
      'the report facts of the three requests',
      60_000,
    );
  }, 120_000);

  const period = `from=${D0}&to=${D2}&itemCode=${ITEM}`;
  const turnaround = async (groupBy: string) =>
    (await api.get(`/reports/turnaround?${period}&groupBy=${groupBy}`, tokens.manager).expect(200)).body as {
      rows: Record<string, unknown>[];
    };
  /** One met both, one missed only the promise, one missed the law too. */
  const figures = {
    completed: 3,
    onTime: 1,
    onTimeRate: 0.3333,
    legalOnTime: 2,
    legalBreached: 1,
    legalOnTimeRate: 0.6667,
  };

  it('counts the requests and the steps within the legal limit apart from the promise', async () => {
    expect((await turnaround('item')).rows).toEqual([expect.objectContaining({ key: ITEM, ...figures })]);
    expect((await turnaround('hallLevel')).rows).toEqual([expect.objectContaining({ key: 'centre', ...figures })]);
    expect((await turnaround('step')).rows).toEqual([expect.objectContaining({ key: 'review', ...figures })]);
    expect((await turnaround('department')).rows).toEqual([expect.objectContaining({ key: DEPT, ...figures })]);
    // The facts say it per request: met, met, breached.
    const facts = (await suite.db.query(
      'SELECT request_id AS id, on_time, legal_on_time FROM report_requests WHERE request_id IN (?, ?, ?) ORDER BY request_id',
      ids,
    )) as { id: string | number; on_time: number; legal_on_time: number }[];
    expect(facts.map((f) => [String(f.id), f.on_time, f.legal_on_time])).toEqual([
      [ids[0], 1, 1],
      [ids[1], 0, 1],
      [ids[2], 0, 0],
    ]);
  });

  it('gives the same legal figures from fresh rollups, after a rebuild, and from the backfill of older facts', async () => {
    const all = async () => Promise.all(['item', 'step', 'department'].map(turnaround));
    const before = await all();
    await suite.app.get(ReportRollups).refreshAll();
    expect(await all()).toEqual(before);
    await suite.app.get(ReportFacts).rebuild();
    expect(await all()).toEqual(before);
    // Facts written before the legal column had none, and their periods are stale (the migration
    // marks every one): the migration fills the facts from the clocks.
    await suite.db.query('UPDATE report_rollup_periods SET dirty = dirty + 1, stale = 1 WHERE period BETWEEN ? AND ?', [
      D0,
      D2,
    ]);
    await suite.db.query('UPDATE report_requests SET legal_on_time = NULL WHERE request_id IN (?, ?, ?)', ids);
    await suite.db.query('UPDATE report_steps SET legal_on_time = NULL WHERE request_id IN (?, ?, ?)', ids);
    expect((await turnaround('item')).rows[0]).toMatchObject({
      legalOnTime: 0,
      legalBreached: 0,
      legalOnTimeRate: null,
    });
    await new LegalOnTime1797440000000().fill(suite.db);
    expect((await turnaround('item')).rows).toEqual(before[0].rows);
    expect((await turnaround('step')).rows).toEqual(before[1].rows);
  });

  it('downloads the legal columns with Chinese headers', async () => {
    const csv = await api.get(`/reports/turnaround?${period}&groupBy=item&format=csv`, tokens.manager).expect(200);
    const [header, line] = csv.text
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    const columns = header.split(',');
    expect(columns.slice(3, 8)).toEqual([
      '按时办结数',
      '按时办结率',
      '法定时限内办结数',
      '超法定时限数',
      '法定时限内办结率',
    ]);
    expect(line.split(',').slice(3, 8)).toEqual(['1', '0.3333', '2', '1', '0.6667']);
  });
});

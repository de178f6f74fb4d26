import { Clock } from '#common';
import { DailyCounts, ReportFacts, ReportRollups } from '#reports';
import ExcelJS from 'exceljs';
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
/**
 * 09:00 in the zone on a Monday that is the first of its month, years ahead (no timer of the
 * worker fires during the test) and different for each run: the database is shared with earlier
 * runs, and a day counted for the reports is final.
 */
const MONTH_STARTS = Array.from(
  { length: 12 * 400 },
  (_, i) => new Date(Date.UTC(2030 + Math.floor(i / 12), i % 12, 1)),
)
  .filter((d) => d.getUTCDay() === 1)
  .map((d) => d.toISOString().slice(0, 10));
const D0 = MONTH_STARTS[Math.floor(Date.now() / 1000) % MONTH_STARTS.length];
const T0 = Date.parse(`${D0}T01:00:00Z`);
const dayAfter = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const D1 = dayAfter(D0, 1);
const D2 = dayAfter(D0, 2);
const MONTH_END = new Date(Date.UTC(Number(D0.slice(0, 4)), Number(D0.slice(5, 7)), 0)).toISOString().slice(0, 10);

/** Independent of the service's histogram: sort the values and take the nearest rank. */
const nearestRank = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.ceil(p * values.length) - 1];
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r4 = (x: number) => Math.round(x * 10000) / 10000;

/**
 * What a turnaround row must say for these worked and elapsed hours and on-time flags (against
 * the promise, and against the law: the same here unless given).
 */
function expectedRow(key: string, worked: number[], elapsed: number[], onTime: boolean[], legal = onTime) {
  const n = worked.length;
  const met = onTime.filter(Boolean).length;
  const legalMet = legal.filter(Boolean).length;
  return {
    key,
    completed: n,
    onTime: met,
    onTimeRate: r4(met / n),
    legalOnTime: legalMet,
    legalBreached: legal.length - legalMet,
    legalOnTimeRate: r4(legalMet / legal.length),
    meanWorkingHours: r3(mean(worked)),
    medianWorkingHours: r3(nearestRank(worked, 0.5)),
    p90WorkingHours: r3(nearestRank(worked, 0.9)),
    meanElapsedDays: r3(mean(elapsed) / 24),
  };
}

describe('reports: every figure against the requests’ known timelines', () => {
  const u = unique().toUpperCase();
  const ITEM = `RPT-${u}`;
  const HALL = `RH-${u}`;
  const OTHER_HALL = `RX-${u}`;
  const DEPT_A = `RA-${u}`;
  const DEPT_B = `RB-${u}`;
  const company = usccOf('91320597');
  const approverA = `rpt-approver-a-${u}`.toLowerCase();
  const approverB = `rpt-approver-b-${u}`.toLowerCase();
  const ids: Record<string, string> = {};
  const matter = (code: string, departmentCode: string) => ({
    code,
    name: '报表测试事项',
    departmentCode,
    promisedLimit: { value: 10, unit: 'workingHours' },
    legalLimit: { value: 20, unit: 'workingHours' },
    materials: [{ code: 'FORM', name: '申请表', required: true, key: true }],
    output: { kind: 'licence', name: '许可证' },
  });
  const clock = new SetClock();
  const suite = appAndWorkerWithWorld(
    clock,
    {
      departments: [DEPT_A, DEPT_B].map((code) => ({ code, name: '报表测试部门' })),
      halls: [HALL, OTHER_HALL].map((code) => ({ code, name: '报表测试大厅', level: 'centre' })),
      matters: [matter(`RMA-${u}`, DEPT_A), matter(`RMB-${u}`, DEPT_B)],
      items: [
        {
          code: ITEM,
          name: '报表测试一件事',
          category: 'test',
          calendarCode: 'always',
          promisedLimit: { value: 24, unit: 'workingHours' },
          steps: [
            { key: 'a', matterCode: `RMA-${u}` },
            { key: 'b', matterCode: `RMB-${u}` },
          ],
        },
      ],
      companies: [{ uscc: company, name: '报表测试公司' }],
      users: {
        applicant: { role: 'applicant', companyUscc: company, username: `rpt-applicant-${u}` },
        clerk: { role: 'clerk', hallCode: HALL, username: `rpt-clerk-${u}` },
        approverA: { role: 'approver', departmentCode: DEPT_A, username: approverA },
        approverB: { role: 'approver', departmentCode: DEPT_B, username: approverB },
        manager: { role: 'manager', username: `rpt-manager-${u}` },
        hallManager: { role: 'manager', hallCode: HALL, username: `rpt-hall-manager-${u}` },
        otherManager: { role: 'manager', hallCode: OTHER_HALL, username: `rpt-other-manager-${u}` },
      },
    },
    {
      // The worker runs on real time: the timers it sets for days years ahead never fire during the test.
      workerClock: false,
      // The downloads' language is checked as the api speaks it by default (Chinese).
      readerLanguage: 'default',
      beforeClose: async () => {
        for (const id of [ids.r6, ids.r7]) if (id) await post(`/requests/${id}/withdraw`, tokens.applicant);
      },
    },
  );
  const { tokens } = suite;

  const api = apiOf(() => suite.app);
  const at = (hours: number) => (clock.at = new Date(T0 + hours * HOUR));
  const post = api.post;
  const get = (path: string, token = tokens.manager) => api.get(path, token);
  const act = async (hours: number, path: string, token: string, body: object = {}) => {
    at(hours);
    const res = await post(path, token, body);
    if (res.status >= 300) throw new Error(`${path} at +${hours}h: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; status: string };
  };
  const submit = async (hours: number) =>
    (
      await act(hours, '/requests', tokens.applicant, {
        itemCode: ITEM,
        form: {},
        materials: [{ code: 'FORM', reference: 'f.pdf' }],
      })
    ).id;

  /** A request submitted at +0h, accepted, then approved by a and by b at the hours given: its id. */
  const completed = async (accepted: number, aApproved: number, bApproved: number) => {
    const id = await submit(0);
    await act(accepted, `/requests/${id}/accept`, tokens.clerk);
    await act(aApproved, `/requests/${id}/steps/a/approve`, tokens.approverA);
    await act(bApproved, `/requests/${id}/steps/b/approve`, tokens.approverB);
    return id;
  };

  beforeAll(async () => {
    // r1: accepted at +1h; a approved at +3h, b at +5h: completed, 4 h of work, on time.
    ids.r1 = await completed(1, 3, 5);
    // r2: b waits 4 h for a supplement (paused): 7 h elapsed, 3 h of work.
    ids.r2 = await submit(0);
    await act(1, `/requests/${ids.r2}/accept`, tokens.clerk);
    await act(1.5, `/requests/${ids.r2}/steps/a/approve`, tokens.approverA);
    await act(2, `/requests/${ids.r2}/steps/b/supplement-requests`, tokens.approverB, {
      materials: ['FORM'],
      note: '请补正',
    });
    await act(6, `/requests/${ids.r2}/supplements`, tokens.applicant, {
      materials: [{ code: 'FORM', reference: 'f2.pdf' }],
    });
    await act(8, `/requests/${ids.r2}/steps/b/approve`, tokens.approverB);
    // r3: b takes 30 h: the request (24 h) and b (10 h) are late, and b is past its legal 20 h too.
    ids.r3 = await completed(1, 2, 31);
    // r4: denied by b; r5: refused at intake; r6 left submitted; r7 left in progress.
    ids.r4 = await submit(0);
    await act(1, `/requests/${ids.r4}/accept`, tokens.clerk);
    await act(4, `/requests/${ids.r4}/steps/b/deny`, tokens.approverB, { reason: '不符合条件' });
    ids.r5 = await submit(0);
    await act(2, `/requests/${ids.r5}/refuse`, tokens.clerk, { reason: '不属于受理范围' });
    ids.r6 = await submit(0);
    ids.r7 = await submit(0);
    await act(1, `/requests/${ids.r7}/accept`, tokens.clerk);
    at(31);

    // The worker keeps the facts from the outbox events.
    await eventually(async () => {
      const [{ n }] = (await suite.db.query(
        'SELECT COUNT(*) AS n FROM report_requests WHERE request_id IN (?, ?, ?, ?, ?)',
        [ids.r1, ids.r2, ids.r3, ids.r4, ids.r5],
      )) as { n: string }[];
      const [{ s }] = (await suite.db.query('SELECT COUNT(*) AS s FROM report_steps WHERE request_id IN (?, ?, ?, ?)', [
        ids.r1,
        ids.r2,
        ids.r3,
        ids.r4,
      ])) as { s: string }[];
      return Number(n) === 5 && Number(s) === 7;
    }, 'the report facts of the ended requests');
  });

  const period = `from=${D0}&to=${D2}&itemCode=${ITEM}`;
  const turnaround = async (groupBy: string, token = tokens.manager) =>
    (await get(`/reports/turnaround?${period}&groupBy=${groupBy}`, token).expect(200)).body as {
      rows: ReturnType<typeof expectedRow>[];
    };

  it('turnaround per item: counts, on-time rate, mean, median and p90 working hours without pauses, natural days', async () => {
    expect((await turnaround('item')).rows).toEqual([expectedRow(ITEM, [4, 3, 30], [4, 7, 30], [true, true, false])]);
    expect((await turnaround('hall')).rows).toEqual([expectedRow(HALL, [4, 3, 30], [4, 7, 30], [true, true, false])]);
    // Per level of the 1+5+N network: both halls here are centres.
    expect((await turnaround('hallLevel')).rows).toEqual([
      expectedRow('centre', [4, 3, 30], [4, 7, 30], [true, true, false]),
    ]);
  });

  it('turnaround per department, step and approver counts approved steps (b’s supplement wait excluded)', async () => {
    const a = { worked: [2, 0.5, 1], elapsed: [2, 0.5, 1], onTime: [true, true, true] };
    const b = { worked: [4, 3, 30], elapsed: [4, 7, 30], onTime: [true, true, false] };
    const byKey = (rows: { key: string }[]) => [...rows].sort((x, y) => x.key.localeCompare(y.key));
    expect(byKey((await turnaround('department')).rows)).toEqual([
      expectedRow(DEPT_A, a.worked, a.elapsed, a.onTime),
      expectedRow(DEPT_B, b.worked, b.elapsed, b.onTime),
    ]);
    expect(byKey((await turnaround('step')).rows)).toEqual([
      expectedRow('a', a.worked, a.elapsed, a.onTime),
      expectedRow('b', b.worked, b.elapsed, b.onTime),
    ]);
    expect(byKey((await turnaround('approver')).rows)).toEqual([
      expectedRow(approverA, a.worked, a.elapsed, a.onTime),
      expectedRow(approverB, b.worked, b.elapsed, b.onTime),
    ]);
  });

  it('keeps to the period and filters', async () => {
    const only = async (query: string) =>
      (await get(`/reports/turnaround?${query}&itemCode=${ITEM}`).expect(200)).body.rows as { completed: number }[];
    // r3 ended on the 2nd (zone date), r1 and r2 on the 1st.
    expect((await only(`from=${D0}&to=${D0}`))[0].completed).toBe(2);
    expect((await only(`from=${D1}&to=${D1}`))[0].completed).toBe(1);
    expect(await only(`from=${D2}&to=${MONTH_END}`)).toEqual([]);
    expect(await only(`from=${D0}&to=${D2}&hallCode=${OTHER_HALL}`)).toEqual([]);
    expect((await only(`from=${D0}&to=${D2}&departmentCode=${DEPT_B}`))[0].completed).toBe(3);
  });

  it('gives the same figures from the facts, from fresh or stale rollups, after duplicate events and after a rebuild', async () => {
    const month = `from=${D0}&to=${MONTH_END}&itemCode=${ITEM}`;
    const figures = () =>
      Promise.all(
        ['item', 'department', 'approver'].flatMap((groupBy) =>
          [period, month].map(async (q) => (await get(`/reports/turnaround?${q}&groupBy=${groupBy}`).expect(200)).body),
        ),
      );
    const rollups = suite.app.get(ReportRollups);
    const facts = suite.app.get(ReportFacts);
    const stale = async () =>
      Number(
        (
          (await suite.db.query('SELECT COUNT(*) AS n FROM report_rollup_periods WHERE stale = 1')) as { n: string }[]
        )[0].n,
      );

    const before = await figures();
    await rollups.refreshAll();
    expect(await stale()).toBe(0);
    expect(await figures()).toEqual(before);
    // The events again, and out of order: the periods go stale and the figures stay.
    await facts.project(Object.values(ids));
    await facts.project([ids.r3, ids.r1]);
    expect(await stale()).toBeGreaterThan(0);
    expect(await figures()).toEqual(before);
    await rollups.refreshAll();
    expect(await figures()).toEqual(before);
    await facts.rebuild();
    expect(await stale()).toBe(0);
    expect(await figures()).toEqual(before);
    // A month rollup is used as it is: tampering with it shows, which proves the month was read from it.
    await suite.db.query(
      "UPDATE report_rollups SET n = n + 1 WHERE grain = 'month' AND dim = 'item' AND scope_hall = '' AND k = ?",
      [ITEM],
    );
    const tampered = (await get(`/reports/turnaround?${month}&groupBy=item`).expect(200)).body;
    expect(tampered.rows[0].completed).toBe(4);
    await facts.project([ids.r1]);
    expect((await get(`/reports/turnaround?${month}&groupBy=item`).expect(200)).body.rows[0].completed).toBe(3);
    await rollups.refreshAll();
  });

  it('backlog: the open requests by status and age', async () => {
    const body = (await get(`/reports/backlog?itemCode=${ITEM}`).expect(200)).body;
    expect(body.asOf).toBe(`${D1}T16:00:00.000+08:00`);
    expect(body.rows).toEqual([
      { status: 'submitted', total: 1, under1d: 0, '1to3d': 1, '3to7d': 0, '7to15d': 0, over15d: 0 },
      { status: 'supplement_required', total: 0, under1d: 0, '1to3d': 0, '3to7d': 0, '7to15d': 0, over15d: 0 },
      { status: 'in_progress', total: 1, under1d: 0, '1to3d': 1, '3to7d': 0, '7to15d': 0, over15d: 0 },
    ]);
  });

  it('overdue: each late clock with who holds it and by how much', async () => {
    const body = (await get(`/reports/overdue?itemCode=${ITEM}`).expect(200)).body;
    const r7 = (await get(`/requests/${ids.r7}`).expect(200)).body as { number: string };
    // r7 was accepted at +1 h: its steps were due at +11 h, the request at +25 h; it is now +31 h.
    expect(body.truncated).toBe(false);
    expect(body.total).toBe(3);
    const first = (await get(`/reports/overdue?itemCode=${ITEM}&limit=1`).expect(200)).body;
    expect(first).toMatchObject({ total: 3, truncated: true, items: [body.items[0]] });
    const refused = await get(`/reports/overdue?itemCode=${ITEM}&limit=0`).expect(400);
    // In Chinese: this suite reads the api's default language.
    expect(refused.body.message).toContain('limit 必须在 1 到 5000 之间');
    expect(body.items).toEqual([
      expect.objectContaining({
        requestId: ids.r7,
        number: r7.number,
        clock: 'step',
        stepKey: 'a',
        holder: { kind: 'department', code: DEPT_A },
        overdueWorkingMinutes: 20 * 60,
      }),
      expect.objectContaining({
        requestId: ids.r7,
        clock: 'step',
        stepKey: 'b',
        holder: { kind: 'department', code: DEPT_B },
        overdueWorkingMinutes: 20 * 60,
      }),
      expect.objectContaining({
        requestId: ids.r7,
        clock: 'request',
        stepKey: null,
        holder: { kind: 'hall', code: HALL },
        overdueWorkingMinutes: 6 * 60,
      }),
    ]);
  });

  it('throughput per day and per week', async () => {
    const day = (await get(`/reports/throughput?${period}&interval=day`).expect(200)).body;
    expect(day.rows).toEqual([
      { period: `${D0}`, submitted: 7, accepted: 5, completed: 2, denied: 1, refused: 1, withdrawn: 0 },
      { period: `${D1}`, submitted: 0, accepted: 0, completed: 1, denied: 0, refused: 0, withdrawn: 0 },
      { period: `${D2}`, submitted: 0, accepted: 0, completed: 0, denied: 0, refused: 0, withdrawn: 0 },
    ]);
    const week = (await get(`/reports/throughput?${period}&interval=week`).expect(200)).body;
    expect(week.rows).toEqual([
      { period: `${D0}`, submitted: 7, accepted: 5, completed: 3, denied: 1, refused: 1, withdrawn: 0 },
    ]);
    // Once a day is over the worker counts it, and the same figures come from the counts.
    const daily = suite.app.get(DailyCounts);
    await expect(daily.count(`${D1}`)).rejects.toThrow(`${D1} is not over yet`);
    await daily.count(`${D0}`);
    expect((await get(`/reports/throughput?${period}&interval=day`).expect(200)).body.rows).toEqual(day.rows);
    expect((await get(`/reports/throughput?${period}&interval=week`).expect(200)).body.rows).toEqual(week.rows);
    const [{ n }] = (await suite.db.query(
      "SELECT COALESCE(SUM(n), 0) AS n FROM report_daily_counts WHERE item_code = ? AND metric = 'submitted'",
      [ITEM],
    )) as { n: string }[];
    expect(Number(n)).toBe(7);
    const [{ days }] = (await suite.db.query(
      'SELECT COUNT(*) AS days FROM report_daily_days WHERE day BETWEEN ? AND ?',
      [D0, D2],
    )) as { days: string }[];
    expect(Number(days)).toBe(1);
  });

  /** A turnaround row as the columns of its CSV line and its worksheet row. */
  const cellsOf = (r: ReturnType<typeof expectedRow>) => [
    r.key,
    '报表测试部门',
    r.completed,
    r.onTime,
    r.onTimeRate,
    r.legalOnTime,
    r.legalBreached,
    r.legalOnTimeRate,
    r.meanWorkingHours,
    r.medianWorkingHours,
    r.p90WorkingHours,
    r.meanElapsedDays,
  ];

  /** A download, its body as the bytes sent. */
  const download = (path: string) =>
    get(path)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);

  it('answers CSV with a BOM and XLSX as a typed workbook, with the same figures', async () => {
    const json = await turnaround('department');
    const csv = await download(`/reports/turnaround?${period}&groupBy=department&format=csv&lang=en`);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-language']).toBe('en');
    expect(csv.headers['content-disposition']).toMatch(
      new RegExp(`attachment; filename="turnaround-department-${D0}-${D2}\\.csv"`),
    );
    const bytes = csv.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe(
      'department,department name,completed,on time,on-time rate,within legal limit,past legal limit,within-legal-limit rate,mean working hours,median working hours,p90 working hours,mean elapsed days',
    );
    expect(lines.slice(1).sort()).toEqual(json.rows.map((r) => cellsOf(r).join(',')).sort());

    const xlsx = await download(`/reports/turnaround?${period}&groupBy=department&format=xlsx&lang=en`);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as never);
    const sheet = workbook.worksheets[0];
    expect(sheet.getRow(1).getCell(1).value).toBe('department');
    expect(sheet.getRow(1).font?.bold).toBe(true);
    const rows = [2, 3].map((i) => sheet.getRow(i).values as unknown[]);
    for (const r of rows) expect(typeof r[3]).toBe('number');
    expect(rows.map((r) => r.slice(1)).sort((x, y) => String(x[0]).localeCompare(String(y[0])))).toEqual(
      [...json.rows].sort((x, y) => x.key.localeCompare(y.key)).map(cellsOf),
    );
    expect(sheet.getRow(2).getCell(5).numFmt).toBe('0.00%');
  });

  it('speaks Chinese by default in downloads, with the names beside the codes, and English on request', async () => {
    const zh = await download(`/reports/turnaround?${period}&groupBy=department&format=csv`);
    expect(zh.headers['content-language']).toBe('zh-CN');
    const [header, ...rows] = (zh.body as Buffer).subarray(3).toString('utf8').trim().split('\r\n');
    expect(header).toBe(
      '部门编码,部门名称,办结数,按时办结数,按时办结率,法定时限内办结数,超法定时限数,法定时限内办结率,平均用时（工作小时）,用时中位数（工作小时）,90% 用时（工作小时）,平均历时（自然日）',
    );
    expect(rows.map((r) => r.split(',').slice(0, 2)).sort()).toEqual([
      [DEPT_A, '报表测试部门'],
      [DEPT_B, '报表测试部门'],
    ]);
    const xlsx = await download(`/reports/backlog?format=xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as never);
    expect(workbook.worksheets[0].getRow(1).values).toEqual([
      undefined,
      '状态',
      '合计',
      '不足1天',
      '1-3天',
      '3-7天',
      '7-15天',
      '超过15天',
    ]);
    expect(workbook.worksheets[0].getRow(2).getCell(1).value).toBe('待受理');
    const en = await api
      .get(`/reports/backlog?format=csv`, tokens.manager)
      .set('Accept-Language', 'en-US,en;q=0.9')
      .expect(200);
    expect(en.headers['content-language']).toBe('en');
    expect(en.text.split('\r\n')[0]).toBe('\ufeffstatus,total,< 1 day,1-3 days,3-7 days,7-15 days,> 15 days');
    await get(`/reports/backlog?format=csv&lang=fr`).expect(400);
  });

  it('scopes a hall’s manager to the hall, and lets no other role read reports', async () => {
    const own = await turnaround('item', tokens.hallManager);
    expect(own.rows).toHaveLength(1);
    expect((await turnaround('item', tokens.otherManager)).rows).toEqual([]);
    const asked = await get(`/reports/turnaround?${period}&hallCode=${HALL}`, tokens.otherManager).expect(403);
    expect(asked.body.message).toBe(`大厅 ${OTHER_HALL} 的管理人员只能查看本大厅的报表`);
    await get(`/reports/backlog`, tokens.clerk).expect(403);
    await get(`/reports/backlog`, tokens.applicant).expect(403);
    await get(`/reports/turnaround?${period}`, tokens.admin).expect(200);
  });

  it('satisfaction: scores, bad reviews and their follow-ups, closed in time or overdue', async () => {
    // Each ended request rated once, at +31 h; the 1 and the 2 open follow-ups (整改).
    const scores: [string, number][] = [
      ['r1', 5],
      ['r2', 4],
      ['r5', 3],
      ['r4', 2],
      ['r3', 1],
    ];
    for (const [name, score] of scores) await act(31, `/requests/${ids[name]}/evaluation`, tokens.applicant, { score });
    // r3's follow-up is closed at once; r4's is left open past its five working days.
    for (const [path, body] of [
      ['verify', { note: '情况属实' }],
      ['rectify', { note: '已整改' }],
      ['feedback', { message: '已整改，感谢监督' }],
    ] as const) {
      await act(32, `/requests/${ids.r3}/follow-up/${path}`, tokens.manager, body);
    }
    at(31 + 30 * 24);
    const body = (await get(`/reports/satisfaction?${period}&groupBy=item`).expect(200)).body;
    const counted = scores.map(([, s]) => s);
    const bad = counted.filter((s) => s <= 2).length;
    const expected = {
      key: ITEM,
      evaluations: counted.length,
      score1: 1,
      score2: 1,
      score3: 1,
      score4: 1,
      score5: 1,
      meanScore: r3(mean(counted)),
      badReviews: bad,
      badReviewRate: r4(bad / counted.length),
      followUpsOpened: bad,
      followUpsClosed: 1,
      followUpsClosedOnTime: 1,
      followUpOnTimeRate: 1,
      followUpsOverdue: 1,
    };
    expect(body.rows).toEqual([expected]);
    expect(body.total).toEqual({ ...expected, key: null });
    const byHall = (await get(`/reports/satisfaction?${period}&groupBy=hall`).expect(200)).body;
    expect(byHall.rows).toEqual([{ ...expected, key: HALL }]);
    // The day of the evaluations counted: the same figures from the daily counts.
    await suite.app.get(DailyCounts).count(`${D1}`);
    expect((await get(`/reports/satisfaction?${period}&groupBy=item`).expect(200)).body.rows).toEqual([expected]);
    expect((await get(`/reports/satisfaction?${period}&groupBy=hall`).expect(200)).body.rows).toEqual([
      { ...expected, key: HALL },
    ]);
    const csv = await get(`/reports/satisfaction?${period}&format=csv&lang=en`).expect(200);
    expect(csv.text.split('\r\n')[0]).toBe(
      '\ufeffhall,hall name,evaluations,score 1,score 2,score 3,score 4,score 5,mean score,bad reviews (1-2),bad-review rate,follow-ups opened,follow-ups closed,closed on time,follow-up on-time rate,follow-ups overdue now',
    );
  });

  it.each([
    ['from=2027-02-30&to=2027-03-03', 'from 2027-02-30 is not a date of the calendar'],
    ['from=2027-03-04&to=2027-03-03', 'from 2027-03-04 is after to 2027-03-03'],
    ['from=2017-01-01&to=2027-03-03', 'a report covers at most 3660 days'],
    ['from=01/03/2027', 'from must be a date written YYYY-MM-DD'],
    ['groupBy=month', 'groupBy must be one of item, department, hall, step, approver'],
    ['format=pdf', 'format must be one of json, csv, xlsx'],
    ['hallCode=%3Cscript%3E', 'hallCode must be'],
  ])('refuses %s with 400 saying what is wrong (in English when asked)', async (query, message) => {
    const res = await get(`/reports/turnaround?${query}&lang=en`).expect(400);
    expect(JSON.stringify(res.body.message)).toContain(message);
  });
});

import { AuditEvent } from '#database';
import { apiOf, appWithWorld } from './fixtures/world.js';
import { unique } from './helpers.js';

describe('calendars (工作日历)', () => {
  const u = unique().toUpperCase();
  const suite = appWithWorld({
    departments: [{ code: `D-${u}`, name: '日历测试部门' }],
    halls: [{ code: `H-${u}`, name: '日历测试大厅', level: 'centre' }],
    users: { clerk: { role: 'clerk', hallCode: `H-${u}`, username: `clerk-cal-${u}` } },
  });
  const { tokens } = suite;

  const api = apiOf(() => suite.app);
  const get = (path: string, token: string | null = tokens.admin) => api.get(path, token);
  const put = (path: string, body: object, token = tokens.admin) =>
    api.http().put(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body);
  const due = async (from: string, value: number, unit: string, code = 'zone') =>
    (await get(`/calendars/${code}/due?from=${encodeURIComponent(from)}&value=${value}&unit=${unit}`).expect(200)).body
      .dueAt as string;

  it('lists the 2025 National Day and Mid-Autumn holiday with its Sunday and Saturday workdays', async () => {
    const res = await get('/calendars/zone/days?from=2025-09-27&to=2025-10-12', tokens.clerk).expect(200);
    const byDate = new Map((res.body as { date: string; working: boolean; name?: string }[]).map((d) => [d.date, d]));
    expect(byDate.size).toBe(16);
    expect(byDate.get('2025-09-27')).toEqual({ date: '2025-09-27', working: false });
    expect(byDate.get('2025-09-28')).toEqual({ date: '2025-09-28', working: true, name: '国庆节、中秋节调休上班' });
    expect(byDate.get('2025-09-29')).toEqual({ date: '2025-09-29', working: true });
    for (const day of ['01', '02', '03', '04', '05', '06', '07', '08']) {
      expect(byDate.get(`2025-10-${day}`)).toEqual({ date: `2025-10-${day}`, working: false, name: '国庆节、中秋节' });
    }
    expect(byDate.get('2025-10-11')?.working).toBe(true);
    expect(byDate.get('2025-10-12')?.working).toBe(false);
  });

  it('answers due times in working time of the zone: days to the close of the last one, minutes across lunch and holidays', async () => {
    expect(await due('2025-09-30T10:00:00+08:00', 1, 'workingDays')).toBe('2025-10-09T17:00:00.000+08:00');
    expect(await due('2026-02-13T16:00:00+08:00', 3, 'workingDays')).toBe('2026-02-25T17:00:00.000+08:00');
    expect(await due('2025-09-30T16:59:00+08:00', 2, 'workingMinutes')).toBe('2025-10-09T09:01:00.000+08:00');
    expect(await due('2026-11-26T11:30:00+08:00', 1, 'workingHours')).toBe('2026-11-26T13:30:00.000+08:00');
    // An instant given in UTC is the same instant.
    expect(await due('2025-09-30T02:00:00Z', 1, 'workingDays')).toBe('2025-10-09T17:00:00.000+08:00');
  });

  it('counts round the clock on `always`', async () => {
    expect(await due('2026-10-01T10:00:00+08:00', 90, 'workingMinutes', 'always')).toBe(
      '2026-10-01T11:30:00.000+08:00',
    );
    expect(await due('2026-10-01T10:00:00+08:00', 2, 'workingDays', 'always')).toBe('2026-10-03T10:00:00.000+08:00');
  });

  it('lets an admin make a day a holiday: the days list and the arithmetic follow, and the edit is audited', async () => {
    // A far-future Wednesday of this run's own, so no other test's arithmetic depends on it.
    const year = 2090 + (Date.now() % 9);
    const wednesday = [...Array(7).keys()]
      .map((i) => new Date(Date.UTC(year, 2, 1 + i)))
      .find((d) => d.getUTCDay() === 3)!;
    const date = wednesday.toISOString().slice(0, 10);
    const tuesdayNoon = `${new Date(wednesday.getTime() - 86_400_000).toISOString().slice(0, 10)}T12:00:00+08:00`;
    // Another run may have picked the same day: start from a working day whatever happened before.
    await put(`/calendars/zone/days/${date}`, { working: true, name: `基准-${u}` }).expect(200);
    const before = await due(tuesdayNoon, 1, 'workingDays');
    expect(before).toBe(`${date}T17:00:00.000+08:00`);

    const set = await put(`/calendars/zone/days/${date}`, { working: false, name: `停电检修-${u}` }).expect(200);
    expect(set.body).toEqual({ date, working: false, name: `停电检修-${u}` });
    const listed = await get(`/calendars/zone/days?from=${date}&to=${date}`).expect(200);
    expect(listed.body).toEqual([{ date, working: false, name: `停电检修-${u}` }]);
    expect(await due(tuesdayNoon, 1, 'workingDays')).not.toBe(before);

    const audits = await suite.db
      .getRepository(AuditEvent)
      .findBy({ subjectType: 'calendar', action: 'calendar.day-set' });
    const mine = audits.find((a) => (a.payload as { after?: { name?: string } }).after?.name === `停电检修-${u}`);
    expect(mine?.payload).toMatchObject({
      date,
      before: { working: true, name: `基准-${u}` },
      after: { working: false },
    });

    await put(`/calendars/zone/days/${date}`, { working: true, name: `恢复-${u}` }).expect(200);
    expect(await due(tuesdayNoon, 1, 'workingDays')).toBe(before);
  });

  it.each([
    ['a date that does not exist', '/calendars/zone/days?from=2026-02-30&to=2026-03-01', 'from must be a real date'],
    ['to before from', '/calendars/zone/days?from=2026-03-02&to=2026-03-01', 'to must not be before from'],
    ['more than 366 days', '/calendars/zone/days?from=2025-01-01&to=2026-12-31', 'at most 366 days'],
    ['a missing to', '/calendars/zone/days?from=2026-03-02', 'to must be a date'],
    ['a start without its offset', '/calendars/zone/due?from=2026-03-02T10:00:00&value=1&unit=workingDays', 'offset'],
    ['an unknown unit', '/calendars/zone/due?from=2026-03-02T10:00:00Z&value=1&unit=days', 'unit must be one of'],
    ['a fractional value', '/calendars/zone/due?from=2026-03-02T10:00:00Z&value=1.5&unit=workingDays', 'integer'],
    ['a start in 1900', '/calendars/zone/due?from=1900-03-02T10:00:00Z&value=1&unit=workingDays', 'between the years'],
  ])('answers %s with 400', async (_case, path, message) => {
    const res = await get(path).expect(400);
    expect(JSON.stringify(res.body.message)).toContain(message);
  });

  it('answers an unknown calendar with 404, a clerk editing with 403, no token with 401', async () => {
    await get('/calendars/nowhere/days?from=2026-03-02&to=2026-03-03').expect(404);
    await get('/calendars/nowhere/due?from=2026-03-02T10:00:00Z&value=1&unit=workingDays').expect(404);
    await put('/calendars/zone/days/2026-03-02', { working: false, name: 'x' }, tokens.clerk).expect(403);
    await put('/calendars/zone/days/2026-03-32', { working: false, name: 'x' }).expect(400);
    await put('/calendars/zone/days/2026-03-03', { working: 'no', name: 'x' }).expect(400);
    await get('/calendars/zone/days?from=2026-03-02&to=2026-03-03', null).expect(401);
    const days = await get('/calendars/zone/days?from=2026-03-02&to=2026-03-03').expect(200);
    expect(days.body).toEqual([
      { date: '2026-03-02', working: true },
      { date: '2026-03-03', working: true },
    ]);
  });
});

import { DomainError } from '#common';
import type { CalendarDefinition, WorkingTimeUnit } from './calendar.types.js';
import {
  addWorkingTime,
  calendarDays,
  isWorkingDay,
  localDateOf,
  workingIntervals,
  workingMinutesBetween,
} from './working-time.js';
import { ALWAYS, parseWorkingHours, withDayOverride, ZONE_WORKDAY_HOURS, zoneCalendar } from './zone-calendar.js';

const zone = zoneCalendar();

/** Instants are written with the zone's offset; results are shown the same way, to the minute. */
const at = (iso: string) => new Date(iso);
const shown = (instant: Date) => `${new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 16)}+08:00`;
const MINUTE = 60_000;

function failureOf(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a DomainError');
}

interface DueCase {
  why: string;
  start: string;
  value: number;
  unit: WorkingTimeUnit;
  due: string;
}

describe('addWorkingTime on the zone calendar', () => {
  const cases: DueCase[] = [
    // 2025 National Day + Mid-Autumn: 10/1-10/8 off, Sunday 9/28 and Saturday 10/11 worked.
    {
      why: '1 working day from Tue 9/30 10:00 skips the eight-day holiday and is due at the close of Thu 10/9',
      start: '2025-09-30T10:00+08:00',
      value: 1,
      unit: 'workingDays',
      due: '2025-10-09T17:00+08:00',
    },
    {
      why: '1 working day from Sat 9/27 counts the adjusted Sunday 9/28',
      start: '2025-09-27T10:00+08:00',
      value: 1,
      unit: 'workingDays',
      due: '2025-09-28T17:00+08:00',
    },
    {
      why: '2 working days from Fri 9/26 are Sun 9/28 (调休) and Mon 9/29',
      start: '2025-09-26T15:00+08:00',
      value: 2,
      unit: 'workingDays',
      due: '2025-09-29T17:00+08:00',
    },
    {
      why: '4 working days from Mon 9/29 are 9/30, 10/9, 10/10 and the adjusted Saturday 10/11',
      start: '2025-09-29T09:00+08:00',
      value: 4,
      unit: 'workingDays',
      due: '2025-10-11T17:00+08:00',
    },
    {
      why: '7 working hours from Tue 9/30 10:00 use the 6 left that day and 1 after the holiday',
      start: '2025-09-30T10:00+08:00',
      value: 7,
      unit: 'workingHours',
      due: '2025-10-09T10:00+08:00',
    },
    {
      why: '1 working minute from 16:59 before the holiday is due at 17:00 that day',
      start: '2025-09-30T16:59+08:00',
      value: 1,
      unit: 'workingMinutes',
      due: '2025-09-30T17:00+08:00',
    },
    {
      why: '2 working minutes from 16:59 before the holiday are due at 09:01 of the next working day',
      start: '2025-09-30T16:59+08:00',
      value: 2,
      unit: 'workingMinutes',
      due: '2025-10-09T09:01+08:00',
    },
    {
      why: 'a start on a holiday begins at the first working interval after it',
      start: '2025-10-03T11:00+08:00',
      value: 1,
      unit: 'workingHours',
      due: '2025-10-09T10:00+08:00',
    },
    {
      why: 'working days from a holiday count from the next working day',
      start: '2025-10-03T11:00+08:00',
      value: 1,
      unit: 'workingDays',
      due: '2025-10-09T17:00+08:00',
    },
    {
      why: 'an adjusted Saturday (10/11) is worked at weekday hours, then Sunday 10/12 is off again',
      start: '2025-10-11T16:00+08:00',
      value: 2,
      unit: 'workingHours',
      due: '2025-10-13T10:00+08:00',
    },
    // Spring Festival 2026: 2/15-2/23 off, Saturdays 2/14 and 2/28 worked.
    {
      why: '3 working days from Fri 2/13 16:00 are Sat 2/14 (调休), Tue 2/24 and Wed 2/25',
      start: '2026-02-13T16:00+08:00',
      value: 3,
      unit: 'workingDays',
      due: '2026-02-25T17:00+08:00',
    },
    {
      why: '1 working day from Fri 2/13 is the adjusted Saturday 2/14',
      start: '2026-02-13T16:00+08:00',
      value: 1,
      unit: 'workingDays',
      due: '2026-02-14T17:00+08:00',
    },
    {
      why: '2 working hours from Sat 2/14 16:00 run over the nine-day holiday to Tue 2/24 10:00',
      start: '2026-02-14T16:00+08:00',
      value: 2,
      unit: 'workingHours',
      due: '2026-02-24T10:00+08:00',
    },
    {
      why: '1 working minute from 16:59 on the last day before Spring Festival is due at 17:00',
      start: '2026-02-14T16:59+08:00',
      value: 1,
      unit: 'workingMinutes',
      due: '2026-02-14T17:00+08:00',
    },
    {
      why: '2 working minutes from 16:59 on the last day before Spring Festival are due at 09:01 on 2/24',
      start: '2026-02-14T16:59+08:00',
      value: 2,
      unit: 'workingMinutes',
      due: '2026-02-24T09:01+08:00',
    },
    {
      why: '10 working days from Mon 2/9 reach the adjusted Saturday 2/28 at their 10th',
      start: '2026-02-09T10:00+08:00',
      value: 10,
      unit: 'workingDays',
      due: '2026-02-28T17:00+08:00',
    },
    // The lunch break.
    {
      why: '1 working hour from 11:30 takes 30 minutes before lunch and 30 after',
      start: '2025-09-17T11:30+08:00',
      value: 1,
      unit: 'workingHours',
      due: '2025-09-17T13:30+08:00',
    },
    {
      why: 'a limit that ends when the morning ends is due at 12:00, not 13:00',
      start: '2025-09-17T11:30+08:00',
      value: 30,
      unit: 'workingMinutes',
      due: '2025-09-17T12:00+08:00',
    },
    {
      why: 'a start inside lunch begins at 13:00',
      start: '2025-09-17T12:30+08:00',
      value: 1,
      unit: 'workingMinutes',
      due: '2025-09-17T13:01+08:00',
    },
    {
      why: '3 working hours from 10:00 cross lunch to 14:00',
      start: '2025-09-17T10:00+08:00',
      value: 3,
      unit: 'workingHours',
      due: '2025-09-17T14:00+08:00',
    },
    {
      why: 'a start before opening begins at 09:00',
      start: '2025-09-17T07:00+08:00',
      value: 60,
      unit: 'workingMinutes',
      due: '2025-09-17T10:00+08:00',
    },
    {
      why: 'a start after closing begins at 09:00 the next working day',
      start: '2025-09-17T18:00+08:00',
      value: 60,
      unit: 'workingMinutes',
      due: '2025-09-18T10:00+08:00',
    },
    {
      why: 'an ordinary weekend is skipped',
      start: '2025-09-19T16:00+08:00',
      value: 2,
      unit: 'workingHours',
      due: '2025-09-22T10:00+08:00',
    },
    {
      why: 'the day of the start is not counted, even when the start is before opening',
      start: '2025-09-19T08:00+08:00',
      value: 1,
      unit: 'workingDays',
      due: '2025-09-22T17:00+08:00',
    },
    {
      why: 'a start on a Sunday counts Monday as the first working day',
      start: '2025-09-21T10:00+08:00',
      value: 1,
      unit: 'workingDays',
      due: '2025-09-22T17:00+08:00',
    },
    {
      why: 'a start at 00:30 local (16:30 UTC the day before) belongs to its local day',
      start: '2025-09-18T00:30+08:00',
      value: 1,
      unit: 'workingDays',
      due: '2025-09-19T17:00+08:00',
    },
    // Year and schedule boundaries.
    {
      why: 'working hours over New Year 2026 (1/1-1/3 off) resume on the adjusted Sunday 1/4',
      start: '2025-12-31T16:00+08:00',
      value: 2,
      unit: 'workingHours',
      due: '2026-01-04T10:00+08:00',
    },
    {
      why: 'Labour Day 2024 (5/1-5/5 off): 1 working day from 4/30 is Mon 5/6',
      start: '2024-04-30T10:00+08:00',
      value: 1,
      unit: 'workingDays',
      due: '2024-05-06T17:00+08:00',
    },
    {
      why: "New Year's Eve 2024 (2/9) was only recommended off, so it is a working day",
      start: '2024-02-08T10:00+08:00',
      value: 1,
      unit: 'workingDays',
      due: '2024-02-09T17:00+08:00',
    },
    {
      why: 'a fractional hour is counted in minutes',
      start: '2025-09-17T09:00+08:00',
      value: 1.5,
      unit: 'workingHours',
      due: '2025-09-17T10:30+08:00',
    },
    {
      why: 'a limit of 0 is due at the start, even at lunch',
      start: '2025-09-17T12:30+08:00',
      value: 0,
      unit: 'workingMinutes',
      due: '2025-09-17T12:30+08:00',
    },
  ];

  it.each(cases)('$why', ({ start, value, unit, due }) => {
    expect(shown(addWorkingTime(zone, at(start), { value, unit }))).toBe(due);
  });
});

describe('workingMinutesBetween on the zone calendar', () => {
  const cases: { why: string; from: string; to: string; minutes: number }[] = [
    {
      why: 'across the 2025 National Day holiday only 9/30 and 10/9 count',
      from: '2025-09-30T10:00+08:00',
      to: '2025-10-09T10:00+08:00',
      minutes: 360 + 60,
    },
    {
      why: 'the whole eight-day holiday is worth nothing',
      from: '2025-10-01T00:00+08:00',
      to: '2025-10-09T00:00+08:00',
      minutes: 0,
    },
    {
      why: 'the adjusted Sunday 9/28 is a full working day between Friday evening and Monday morning',
      from: '2025-09-26T17:00+08:00',
      to: '2025-09-29T09:00+08:00',
      minutes: 420,
    },
    {
      why: 'Spring Festival 2026: 1 hour on Fri 2/13 and three full days',
      from: '2026-02-13T16:00+08:00',
      to: '2026-02-25T17:00+08:00',
      minutes: 60 + 3 * 420,
    },
    { why: 'lunch does not count', from: '2025-09-17T11:30+08:00', to: '2025-09-17T13:30+08:00', minutes: 60 },
    { why: 'an empty span is 0', from: '2025-09-17T10:00+08:00', to: '2025-09-17T10:00+08:00', minutes: 0 },
    { why: 'a reversed span is 0', from: '2025-09-17T11:00+08:00', to: '2025-09-17T10:00+08:00', minutes: 0 },
    {
      why: 'seconds give fractional minutes (not rounded)',
      from: '2025-09-17T09:00:30+08:00',
      to: '2025-09-17T09:01:00+08:00',
      minutes: 0.5,
    },
    {
      why: 'a pause over the National Day holiday counts only the working time on either side',
      from: '2025-09-30T15:00+08:00',
      to: '2025-10-09T11:00+08:00',
      minutes: 120 + 120,
    },
  ];

  it.each(cases)('$why', ({ from, to, minutes }) => {
    expect(workingMinutesBetween(zone, at(from), at(to))).toBe(minutes);
  });

  it('a clock paused across a holiday resumes with the working time it had left', () => {
    const accepted = at('2025-09-29T09:00+08:00');
    const dueAt = addWorkingTime(zone, accepted, { value: 2, unit: 'workingDays' });
    expect(shown(dueAt)).toBe('2025-10-09T17:00+08:00');

    const pausedAt = at('2025-09-30T15:00+08:00');
    const left = workingMinutesBetween(zone, pausedAt, dueAt);
    expect(left).toBe(120 + 420);

    const resumedAt = at('2025-10-10T11:00+08:00');
    const newDueAt = addWorkingTime(zone, resumedAt, { value: left, unit: 'workingMinutes' });
    // 10/10: 60 + 240; then the adjusted Saturday 10/11: 180 + 60.
    expect(shown(newDueAt)).toBe('2025-10-11T14:00+08:00');
    expect(workingMinutesBetween(zone, pausedAt, resumedAt)).toBe(120 + 420 + 120);
  });
});

describe('days of the zone calendar', () => {
  it.each([
    ['2025-09-28', true, 'the adjusted Sunday before National Day'],
    ['2025-10-08', false, 'the eighth day of the National Day + Mid-Autumn holiday (a Wednesday)'],
    ['2025-10-11', true, 'the adjusted Saturday after it'],
    ['2025-10-12', false, 'an ordinary Sunday'],
    ['2025-10-13', true, 'an ordinary Monday'],
    ['2026-02-23', false, 'the last day of Spring Festival 2026 (a Monday)'],
    ['2026-02-24', true, 'the first working day after it'],
    ['2024-02-09', true, "New Year's Eve 2024, only recommended off"],
    ['2027-01-01', true, 'a date no loaded notice covers keeps its weekly hours (a Friday)'],
  ])('%s is working: %s (%s)', (date, working) => {
    expect(isWorkingDay(zone, date)).toBe(working);
  });

  it("works an adjusted Saturday at Monday's hours, as UTC instants", () => {
    expect(workingIntervals(zone, '2025-10-11').map(({ start, end }) => [shown(start), shown(end)])).toEqual([
      ['2025-10-11T09:00+08:00', '2025-10-11T12:00+08:00'],
      ['2025-10-11T13:00+08:00', '2025-10-11T17:00+08:00'],
    ]);
    expect(workingIntervals(zone, '2025-10-11')[0].start.toISOString()).toBe('2025-10-11T01:00:00.000Z');
    expect(workingIntervals(zone, '2025-10-01')).toEqual([]);
  });

  it('lists days with their override names, as GET /calendars/{code}/days does', () => {
    expect(calendarDays(zone, '2025-09-27', '2025-10-01')).toEqual([
      { date: '2025-09-27', working: false },
      { date: '2025-09-28', working: true, name: '国庆节、中秋节调休上班' },
      { date: '2025-09-29', working: true },
      { date: '2025-09-30', working: true },
      { date: '2025-10-01', working: false, name: '国庆节、中秋节' },
    ]);
  });

  it('gives the local date of an instant on the zone clock', () => {
    expect(localDateOf(zone, at('2025-09-30T23:59+08:00'))).toBe('2025-09-30');
    expect(localDateOf(zone, at('2025-09-30T16:00:00Z'))).toBe('2025-10-01');
  });
});

describe('calendar settings', () => {
  it('closes a working day at the end of that day’s own hours (a short Friday closes at 15:00)', () => {
    const shortFriday = parseWorkingHours('09:00-15:00');
    const cal = zoneCalendar({
      weeklyHours: [
        [],
        ZONE_WORKDAY_HOURS,
        ZONE_WORKDAY_HOURS,
        ZONE_WORKDAY_HOURS,
        ZONE_WORKDAY_HOURS,
        shortFriday,
        [],
      ],
    });
    expect(shown(addWorkingTime(cal, at('2025-09-18T10:00+08:00'), { value: 1, unit: 'workingDays' }))).toBe(
      '2025-09-19T15:00+08:00',
    );
    // An adjusted Sunday still works Monday's hours, so it closes at 17:00.
    expect(shown(addWorkingTime(cal, at('2025-09-26T10:00+08:00'), { value: 1, unit: 'workingDays' }))).toBe(
      '2025-09-28T17:00+08:00',
    );
  });

  it('takes other hours for adjusted workdays when configured', () => {
    const cal = zoneCalendar({ adjustedWorkdayHours: parseWorkingHours('09:00-12:00') });
    expect(workingMinutesBetween(cal, at('2025-09-28T00:00+08:00'), at('2025-09-29T00:00+08:00'))).toBe(180);
  });

  it('an admin edit is a new calendar: a day made a holiday moves due times on it, not on the old one', () => {
    const edited = withDayOverride(zone, '2025-09-17', { working: false, name: '台风停工' });
    const start = at('2025-09-16T10:00+08:00');
    expect(shown(addWorkingTime(edited, start, { value: 1, unit: 'workingDays' }))).toBe('2025-09-18T17:00+08:00');
    expect(shown(addWorkingTime(zone, start, { value: 1, unit: 'workingDays' }))).toBe('2025-09-17T17:00+08:00');
    expect(calendarDays(edited, '2025-09-17', '2025-09-17')).toEqual([
      { date: '2025-09-17', working: false, name: '台风停工' },
    ]);
    const restored = withDayOverride(edited, '2025-09-17', null);
    expect(isWorkingDay(restored, '2025-09-17')).toBe(true);
  });

  it('uses the working-days rule the calendar names', () => {
    const cal = zoneCalendar({ daysRule: 'elapsed24Hours' });
    expect(shown(addWorkingTime(cal, at('2025-09-30T10:00+08:00'), { value: 2, unit: 'workingDays' }))).toBe(
      '2025-10-02T10:00+08:00',
    );
  });

  it('refuses a calendar whose hours overlap or run past midnight, naming each fault', () => {
    const failure = failureOf(() =>
      zoneCalendar({
        weeklyHours: [
          [],
          parseWorkingHours('09:00-12:00', '11:00-17:00'),
          ZONE_WORKDAY_HOURS,
          ZONE_WORKDAY_HOURS,
          ZONE_WORKDAY_HOURS,
          [{ start: 1380, end: 1500 }],
          [],
        ],
      }),
    );
    expect(failure.code).toBe('ValidationFailed');
    expect(failure.message).toContain('Monday interval 2 (660-1020) overlaps');
    expect(failure.message).toContain('Friday interval 1 must be whole minutes within the day');
  });

  it('says a calendar has no working time instead of looping forever', () => {
    const closed: CalendarDefinition = {
      ...zone,
      weeklyHours: [[], [], [], [], [], [], []],
      days: new Map(),
    };
    expect(
      failureOf(() => addWorkingTime(closed, at('2025-09-17T10:00+08:00'), { value: 1, unit: 'workingHours' })),
    ).toMatchObject({ code: 'ValidationFailed', message: expect.stringContaining('has no working time') });
    expect(
      failureOf(() => addWorkingTime(closed, at('2025-09-17T10:00+08:00'), { value: 1, unit: 'workingDays' })),
    ).toMatchObject({ code: 'ValidationFailed' });
  });
});

describe('invalid input', () => {
  const start = at('2025-09-17T10:00+08:00');
  it.each([
    [{ value: -1, unit: 'workingMinutes' as const }, 'finite number of workingMinutes, 0 or more'],
    [{ value: Number.NaN, unit: 'workingHours' as const }, 'finite number of workingHours'],
    [{ value: 1.5, unit: 'workingDays' as const }, 'whole number of days'],
  ])('refuses the limit %j', (limit, message) => {
    expect(failureOf(() => addWorkingTime(zone, start, limit))).toMatchObject({
      code: 'ValidationFailed',
      message: expect.stringContaining(message),
    });
  });

  it('refuses an invalid instant and a date that does not exist', () => {
    expect(failureOf(() => addWorkingTime(zone, new Date('nope'), { value: 1, unit: 'workingHours' })).code).toBe(
      'ValidationFailed',
    );
    expect(failureOf(() => isWorkingDay(zone, '2025-02-29')).message).toContain('real date written YYYY-MM-DD');
    expect(failureOf(() => workingIntervals(zone, '2025-9-1')).code).toBe('ValidationFailed');
  });
});

describe('the always calendar (24x7)', () => {
  it.each([
    ['2025-10-01T23:30+08:00', 90, 'workingMinutes', '2025-10-02T01:00+08:00'],
    ['2025-10-01T10:00+08:00', 24, 'workingHours', '2025-10-02T10:00+08:00'],
    ['2025-10-01T10:00+08:00', 2, 'workingDays', '2025-10-03T10:00+08:00'],
    ['2026-02-14T16:59+08:00', 2, 'workingMinutes', '2026-02-14T17:01+08:00'],
  ] as const)('from %s, %d %s are due at %s: holidays and nights count', (start, value, unit, due) => {
    expect(shown(addWorkingTime(ALWAYS, at(start), { value, unit }))).toBe(due);
  });

  it('counts every minute between two instants, holidays included', () => {
    expect(workingMinutesBetween(ALWAYS, at('2025-09-30T10:00+08:00'), at('2025-10-09T10:00+08:00'))).toBe(9 * 1440);
    expect(workingMinutesBetween(ALWAYS, at('2025-10-01T23:59+08:00'), at('2025-10-02T00:01+08:00'))).toBe(2);
  });

  it('has every day as a working day', () => {
    expect(isWorkingDay(ALWAYS, '2025-10-01')).toBe(true);
    expect(workingIntervals(ALWAYS, '2025-10-01').map(({ start, end }) => [shown(start), shown(end)])).toEqual([
      ['2025-10-01T00:00+08:00', '2025-10-02T00:00+08:00'],
    ]);
  });
});

describe('workingMinutesBetween is the inverse of addWorkingTime', () => {
  /** Starts every 37 minutes over the 2025 National Day and 2026 Spring Festival schedules. */
  function starts(fromIso: string, toIso: string): Date[] {
    const list: Date[] = [];
    for (let t = at(fromIso).getTime(); t < at(toIso).getTime(); t += 37 * MINUTE) list.push(new Date(t));
    return list;
  }
  const allStarts = [
    ...starts('2025-09-25T00:00+08:00', '2025-10-14T00:00+08:00'),
    ...starts('2026-02-10T00:00+08:00', '2026-03-02T00:00+08:00'),
  ];
  const amounts = [1, 29, 30, 59, 60, 61, 179, 180, 181, 239, 240, 419, 420, 421, 1000, 2521, 5000];

  /** Every start and amount is checked; the failures are gathered so that one report names them all. */
  it.each([
    ['zone', zone],
    ['always', ALWAYS],
  ] as const)('on %s, for minutes and hours from every start: exact, and the earliest such instant', (_name, cal) => {
    const failures: string[] = [];
    for (const start of allStarts) {
      const limits = [
        ...amounts.map((value) => ({ value, unit: 'workingMinutes' as const, minutes: value })),
        ...[1, 3, 7, 15].map((value) => ({ value, unit: 'workingHours' as const, minutes: value * 60 })),
      ];
      for (const { value, unit, minutes } of limits) {
        const due = addWorkingTime(cal, start, { value, unit });
        const counted = workingMinutesBetween(cal, start, due);
        const countedJustBefore = workingMinutesBetween(cal, start, new Date(due.getTime() - 1));
        if (counted !== minutes || countedJustBefore >= minutes) {
          failures.push(
            `${shown(start)} + ${value} ${unit} -> ${shown(due)} counts ${counted}, ${countedJustBefore} 1 ms before`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(allStarts.length).toBeGreaterThan(1000);
  });

  it('on zone, N working days are the rest of the start day plus N full days, due at 17:00 of a working day', () => {
    const failures: string[] = [];
    for (const start of allStarts) {
      const closeOfStartDay = workingIntervals(zone, localDateOf(zone, start)).at(-1)?.end;
      const restOfStartDay = closeOfStartDay ? workingMinutesBetween(zone, start, closeOfStartDay) : 0;
      for (const days of [1, 2, 3, 5, 10]) {
        const due = addWorkingTime(zone, start, { value: days, unit: 'workingDays' });
        const counted = workingMinutesBetween(zone, start, due);
        if (
          !shown(due).endsWith('T17:00+08:00') ||
          !isWorkingDay(zone, localDateOf(zone, due)) ||
          counted !== restOfStartDay + days * 420
        ) {
          failures.push(`${shown(start)} + ${days} workingDays -> ${shown(due)} counts ${counted}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

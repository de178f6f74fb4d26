import {
  adjustedWorkdayName,
  arrangementDaysOff,
  officialHolidayDays,
  STATE_COUNCIL_HOLIDAY_NOTICES,
} from './holidays.js';
import { isWorkingDay, localDateToDayNumber, weekdayOf } from './working-time.js';
import { zoneCalendar } from './zone-calendar.js';

const zone = zoneCalendar();
const days = officialHolidayDays();

/**
 * The statutory holidays of 全国年节及纪念日放假办法, dated independently of the notices: lunar
 * festivals from the almanac (春节 = 正月初一: 2024-02-10, 2025-01-29, 2026-02-17; 除夕 the day
 * before; 清明, 端午, 中秋 likewise), and the 2024 revision that from 2025 adds 除夕 and 5 May 2.
 * Every one of them must be a day off in the schedule (the notices only ever add to them).
 */
const STATUTORY: Record<number, [string, string[]][]> = {
  2024: [
    ['元旦', ['2024-01-01']],
    ['春节', ['2024-02-10', '2024-02-11', '2024-02-12']],
    ['清明节', ['2024-04-04']],
    ['劳动节', ['2024-05-01']],
    ['端午节', ['2024-06-10']],
    ['中秋节', ['2024-09-17']],
    ['国庆节', ['2024-10-01', '2024-10-02', '2024-10-03']],
  ],
  2025: [
    ['元旦', ['2025-01-01']],
    ['春节', ['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31']],
    ['清明节', ['2025-04-04']],
    ['劳动节', ['2025-05-01', '2025-05-02']],
    ['端午节', ['2025-05-31']],
    ['中秋节', ['2025-10-06']],
    ['国庆节', ['2025-10-01', '2025-10-02', '2025-10-03']],
  ],
  2026: [
    ['元旦', ['2026-01-01']],
    ['春节', ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19']],
    ['清明节', ['2026-04-05']],
    ['劳动节', ['2026-05-01', '2026-05-02']],
    ['端午节', ['2026-06-19']],
    ['中秋节', ['2026-09-25']],
    ['国庆节', ['2026-10-01', '2026-10-02', '2026-10-03']],
  ],
};

/** A second transcription of each notice's totals and 调休 days, so that an edit to the data shows. */
const EXPECTED: Record<number, { number: string; daysOff: number; workdays: string[] }> = {
  2024: {
    number: '国办发明电〔2023〕7号',
    daysOff: 1 + 8 + 3 + 5 + 1 + 3 + 7,
    workdays: [
      '2024-02-04',
      '2024-02-18',
      '2024-04-07',
      '2024-04-28',
      '2024-05-11',
      '2024-09-14',
      '2024-09-29',
      '2024-10-12',
    ],
  },
  2025: {
    number: '国办发明电〔2024〕12号',
    daysOff: 1 + 8 + 3 + 5 + 3 + 8,
    workdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  2026: {
    number: '国办发明电〔2025〕7号',
    daysOff: 3 + 9 + 3 + 5 + 3 + 3 + 7,
    workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
};

describe('the State Council holiday schedules', () => {
  it('covers 2024, 2025 and 2026, one notice each', () => {
    expect(STATE_COUNCIL_HOLIDAY_NOTICES.map((notice) => notice.year)).toEqual([2024, 2025, 2026]);
  });

  describe.each(STATE_COUNCIL_HOLIDAY_NOTICES.map((notice) => [notice.year, notice] as const))('%i', (year, notice) => {
    const daysOff = notice.arrangements.flatMap((arrangement) => arrangementDaysOff(arrangement));
    const workdays = notice.arrangements.flatMap((arrangement) => arrangement.workdays);

    it('cites its notice', () => {
      expect(notice.title).toBe(`国务院办公厅关于${year}年部分节假日安排的通知`);
      expect(notice.number).toBe(EXPECTED[year].number);
      expect(notice.issued < `${year}-01-01`).toBe(true);
    });

    it('has only real dates, all in its year', () => {
      for (const date of [...daysOff, ...workdays]) {
        expect(localDateToDayNumber(date)).not.toBeNull();
        expect(date.slice(0, 4)).toBe(String(year));
      }
    });

    it('has the days off and adjusted workdays the notice lists', () => {
      expect(daysOff).toHaveLength(EXPECTED[year].daysOff);
      expect([...workdays].sort()).toEqual(EXPECTED[year].workdays);
    });

    it('agrees with the count each arrangement states (共N天)', () => {
      for (const arrangement of notice.arrangements) {
        if (arrangement.statedDays !== undefined) {
          expect([arrangement.name, arrangementDaysOff(arrangement).length]).toEqual([
            arrangement.name,
            arrangement.statedDays,
          ]);
        }
      }
    });

    it('never lists a date twice, and no date is both a holiday and a workday', () => {
      expect(new Set(daysOff).size).toBe(daysOff.length);
      expect(new Set(workdays).size).toBe(workdays.length);
      expect(workdays.filter((date) => daysOff.includes(date))).toEqual([]);
    });

    it('makes every adjusted workday a Saturday or Sunday', () => {
      expect(workdays.filter((date) => weekdayOf(date) !== 0 && weekdayOf(date) !== 6)).toEqual([]);
    });

    it('lists every statutory holiday as a day off under its festival, and the weekday ones are not worked', () => {
      for (const [festival, dates] of STATUTORY[year]) {
        for (const date of dates) {
          const override = days.get(date);
          expect([date, override?.working, override?.name.includes(festival)]).toEqual([date, false, true]);
          if (weekdayOf(date) >= 1 && weekdayOf(date) <= 5)
            expect([date, isWorkingDay(zone, date)]).toEqual([date, false]);
        }
      }
    });
  });

  it('expands into dated overrides: days off by festival name, workdays as 调休上班', () => {
    expect(days.get('2026-02-17')).toEqual({ working: false, name: '春节' });
    expect(days.get('2026-02-14')).toEqual({ working: true, name: '春节调休上班' });
    expect(days.get('2025-10-11')).toEqual({ working: true, name: adjustedWorkdayName('国庆节、中秋节') });
    expect(days.get('2026-09-20')).toEqual({ working: true, name: '国庆节调休上班' });
    expect(days.size).toBe(Object.values(EXPECTED).reduce((sum, year) => sum + year.daysOff + year.workdays.length, 0));
  });

  it('refuses data that gives one date twice', () => {
    const [notice] = STATE_COUNCIL_HOLIDAY_NOTICES;
    const clash = {
      ...notice,
      arrangements: [
        ...notice.arrangements,
        { name: '测试', off: { from: '2024-10-07', to: '2024-10-08' }, workdays: [] },
      ],
    };
    expect(() => officialHolidayDays([clash])).toThrow('2024-10-07 is both 国庆节 and 测试');
  });
});

import type { DayOverride, LocalDate } from './calendar.types.js';
import { addLocalDays, localDateToDayNumber } from './working-time.js';

/**
 * The State Council's holiday schedules (国务院办公厅关于某年部分节假日安排的通知), written as the
 * notices word them: one arrangement per festival, its days off as a range, and the weekend days
 * worked in exchange (调休上班). Kept close to the text so that a reader can check a year against
 * its notice line by line; `officialHolidayDays` expands them into dated overrides.
 *
 * A new year is added here when its notice is published (each November), citing the notice.
 */

export interface HolidayArrangement {
  /** The festival as the notice heads it: 春节, 国庆节、中秋节 … */
  name: string;
  /** First and last day off, inclusive. */
  off: { from: LocalDate; to: LocalDate };
  /** The notice's own count (共N天, 放假N天) where it states one: a check on the range above. */
  statedDays?: number;
  /** Weekend days worked instead (…上班). */
  workdays: readonly LocalDate[];
}

export interface HolidayNotice {
  year: number;
  title: string;
  /** The document number (文号). */
  number: string;
  /** The date the notice was issued. */
  issued: LocalDate;
  arrangements: readonly HolidayArrangement[];
}

/**
 * 国务院办公厅关于2024年部分节假日安排的通知, 国办发明电〔2023〕7号, 2023-10-25. Checked against its text
 * in the State Council Gazette reprint on Wikisource (with its number) and in People's Daily,
 * 2023-10-26, p. 6. New Year's Day and the Dragon Boat Festival are single days joined to a weekend
 * (与周末连休); New Year's Eve (2024-02-09) is only recommended as a day off, so it stays a working day.
 */
const NOTICE_2024: HolidayNotice = {
  year: 2024,
  title: '国务院办公厅关于2024年部分节假日安排的通知',
  number: '国办发明电〔2023〕7号',
  issued: '2023-10-25',
  arrangements: [
    { name: '元旦', off: { from: '2024-01-01', to: '2024-01-01' }, workdays: [] },
    {
      name: '春节',
      off: { from: '2024-02-10', to: '2024-02-17' },
      statedDays: 8,
      workdays: ['2024-02-04', '2024-02-18'],
    },
    { name: '清明节', off: { from: '2024-04-04', to: '2024-04-06' }, statedDays: 3, workdays: ['2024-04-07'] },
    {
      name: '劳动节',
      off: { from: '2024-05-01', to: '2024-05-05' },
      statedDays: 5,
      workdays: ['2024-04-28', '2024-05-11'],
    },
    { name: '端午节', off: { from: '2024-06-10', to: '2024-06-10' }, workdays: [] },
    { name: '中秋节', off: { from: '2024-09-15', to: '2024-09-17' }, statedDays: 3, workdays: ['2024-09-14'] },
    {
      name: '国庆节',
      off: { from: '2024-10-01', to: '2024-10-07' },
      statedDays: 7,
      workdays: ['2024-09-29', '2024-10-12'],
    },
  ],
};

/**
 * 国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号, 2024-11-12: the first year under the
 * 2024 revision of 全国年节及纪念日放假办法 (New Year's Eve and 2 May became holidays). Checked against
 * Xinhua's full text (新华社北京11月12日电, reprinted by gmw.cn) and a reprint giving the number.
 */
const NOTICE_2025: HolidayNotice = {
  year: 2025,
  title: '国务院办公厅关于2025年部分节假日安排的通知',
  number: '国办发明电〔2024〕12号',
  issued: '2024-11-12',
  arrangements: [
    { name: '元旦', off: { from: '2025-01-01', to: '2025-01-01' }, statedDays: 1, workdays: [] },
    {
      name: '春节',
      off: { from: '2025-01-28', to: '2025-02-04' },
      statedDays: 8,
      workdays: ['2025-01-26', '2025-02-08'],
    },
    { name: '清明节', off: { from: '2025-04-04', to: '2025-04-06' }, statedDays: 3, workdays: [] },
    { name: '劳动节', off: { from: '2025-05-01', to: '2025-05-05' }, statedDays: 5, workdays: ['2025-04-27'] },
    { name: '端午节', off: { from: '2025-05-31', to: '2025-06-02' }, statedDays: 3, workdays: [] },
    {
      name: '国庆节、中秋节',
      off: { from: '2025-10-01', to: '2025-10-08' },
      statedDays: 8,
      workdays: ['2025-09-28', '2025-10-11'],
    },
  ],
};

/**
 * 国务院办公厅关于2026年部分节假日安排的通知, 国办发明电〔2025〕7号, 2025-11-04. Checked against Xinhua's full
 * text (新华社北京11月4日电, reprinted by gmw.cn and 中山日报 2025-11-05, A01); Xinhua's release does not
 * print the number, which is taken from reprints of the notice itself (e.g. via 人社通).
 */
const NOTICE_2026: HolidayNotice = {
  year: 2026,
  title: '国务院办公厅关于2026年部分节假日安排的通知',
  number: '国办发明电〔2025〕7号',
  issued: '2025-11-04',
  arrangements: [
    { name: '元旦', off: { from: '2026-01-01', to: '2026-01-03' }, statedDays: 3, workdays: ['2026-01-04'] },
    {
      name: '春节',
      off: { from: '2026-02-15', to: '2026-02-23' },
      statedDays: 9,
      workdays: ['2026-02-14', '2026-02-28'],
    },
    { name: '清明节', off: { from: '2026-04-04', to: '2026-04-06' }, statedDays: 3, workdays: [] },
    { name: '劳动节', off: { from: '2026-05-01', to: '2026-05-05' }, statedDays: 5, workdays: ['2026-05-09'] },
    { name: '端午节', off: { from: '2026-06-19', to: '2026-06-21' }, statedDays: 3, workdays: [] },
    { name: '中秋节', off: { from: '2026-09-25', to: '2026-09-27' }, statedDays: 3, workdays: [] },
    {
      name: '国庆节',
      off: { from: '2026-10-01', to: '2026-10-07' },
      statedDays: 7,
      workdays: ['2026-09-20', '2026-10-10'],
    },
  ],
};

export const STATE_COUNCIL_HOLIDAY_NOTICES: readonly HolidayNotice[] = [NOTICE_2024, NOTICE_2025, NOTICE_2026];

/** The name an adjusted working day carries: the festival it pays for, e.g. 春节调休上班. */
export const adjustedWorkdayName = (festival: string) => `${festival}调休上班`;

/** Every date of an arrangement's days off, in order. */
export function arrangementDaysOff(arrangement: HolidayArrangement): LocalDate[] {
  const { from, to } = arrangement.off;
  const first = localDateToDayNumber(from);
  const last = localDateToDayNumber(to);
  if (first === null || last === null || last < first) {
    throw new Error(`holiday ${arrangement.name}: ${from}..${to} is not a range of real dates`);
  }
  return Array.from({ length: last - first + 1 }, (_, i) => addLocalDays(from, i));
}

/**
 * The notices as dated overrides: each day off `{ working: false, name: festival }`, each adjusted
 * working day `{ working: true, name: '<festival>调休上班' }`. A date given twice is a data error and
 * throws, so a typo cannot silently turn a holiday into a workday.
 */
export function officialHolidayDays(
  notices: readonly HolidayNotice[] = STATE_COUNCIL_HOLIDAY_NOTICES,
): Map<LocalDate, DayOverride> {
  const days = new Map<LocalDate, DayOverride>();
  const put = (date: LocalDate, override: DayOverride) => {
    if (localDateToDayNumber(date) === null) throw new Error(`holiday data: ${date} is not a real date`);
    const existing = days.get(date);
    if (existing) throw new Error(`holiday data: ${date} is both ${existing.name} and ${override.name}`);
    days.set(date, override);
  };
  for (const notice of notices) {
    for (const arrangement of notice.arrangements) {
      for (const date of arrangementDaysOff(arrangement)) put(date, { working: false, name: arrangement.name });
      for (const date of arrangement.workdays) {
        put(date, { working: true, name: adjustedWorkdayName(arrangement.name) });
      }
    }
  }
  return days;
}

import { isOpenAt, openingHoursProblems } from './opening-hours.js';
import { zoneCalendar } from './zone-calendar.js';

const zone = zoneCalendar();
const at = (local: string) => new Date(`${local}+08:00`);

describe('a place’s opening hours on the zone calendar', () => {
  const hours = { mon: ['08:30-11:30', '13:30-17:00'], wed: ['09:00-12:00'], sun: ['10:00-16:00'] };

  it('opens within its ranges on an ordinary day, closing time excluded', () => {
    expect(isOpenAt(zone, hours, at('2026-10-12T08:30:00'))).toBe(true); // Monday
    expect(isOpenAt(zone, hours, at('2026-10-12T11:30:00'))).toBe(false);
    expect(isOpenAt(zone, hours, at('2026-10-13T10:00:00'))).toBe(false); // Tuesday: not listed
    expect(isOpenAt(zone, hours, at('2026-10-18T10:00:00'))).toBe(true); // Sunday
  });

  it('is closed on a holiday and open on an adjusted workday (调休)', () => {
    expect(isOpenAt(zone, hours, at('2026-10-05T09:00:00'))).toBe(false); // 国庆节, a Monday
    // 2026-10-10, a Saturday worked in exchange: the place has no Saturday hours, so Monday's.
    expect(isOpenAt(zone, hours, at('2026-10-10T09:00:00'))).toBe(true);
    expect(isOpenAt(zone, hours, at('2026-10-10T12:00:00'))).toBe(false);
  });

  it('keeps the zone’s own hours when it gives none', () => {
    expect(isOpenAt(zone, null, at('2026-10-12T09:00:00'))).toBe(true);
    expect(isOpenAt(zone, null, at('2026-10-12T12:30:00'))).toBe(false);
    expect(isOpenAt(zone, null, at('2026-10-10T09:00:00'))).toBe(true);
  });

  it('names each range out of order, outside the day or badly written', () => {
    expect(openingHoursProblems(hours)).toEqual([]);
    expect(
      openingHoursProblems({ mon: ['12:00-09:00'], tue: ['09:00-12:00', '11:00-13:00'], wed: ['24:00-24:30', 'x'] }),
    ).toEqual([
      'openingHours.mon.0 must end after it starts',
      'openingHours.tue.1 overlaps or precedes the range before it',
      'openingHours.wed.0 must lie within the day (00:00 to 24:00)',
      'openingHours.wed.1 must be written HH:MM-HH:MM; got x',
    ]);
  });
});

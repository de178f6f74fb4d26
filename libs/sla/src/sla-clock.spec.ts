import { ALWAYS, withDayOverride, zoneCalendar } from '#calendar';
import {
  clockState,
  extendClock,
  recalendarClock,
  nextThreshold,
  pauseClock,
  resumeClock,
  slaView,
  startClock,
  stopClock,
  thresholdsDue,
} from './sla-clock.js';

const at = (iso: string) => new Date(iso);
const minutes = (value: number) => ({ value, unit: 'workingMinutes' as const });
const zone = zoneCalendar();

describe('SLA clocks', () => {
  it('starts with its due time and a warning at 80% of the working time', () => {
    const clock = startClock(ALWAYS, at('2026-10-01T10:00:00+08:00'), minutes(10));
    expect(clock.dueAt).toEqual(at('2026-10-01T10:10:00+08:00'));
    expect(clock.warnAt).toEqual(at('2026-10-01T10:08:00+08:00'));
  });

  it('started back at a receipt, with working time that does not count: every threshold moves later by it', () => {
    const clock = startClock(ALWAYS, at('2026-10-01T10:00:00+08:00'), minutes(10), 0.8, minutes(30), 60 * 60_000);
    expect(clock.startedAt).toEqual(at('2026-10-01T10:00:00+08:00'));
    expect(clock.dueAt).toEqual(at('2026-10-01T11:10:00+08:00'));
    expect(clock.warnAt).toEqual(at('2026-10-01T11:08:00+08:00'));
    expect(clock.legalDueAt).toEqual(at('2026-10-01T11:30:00+08:00'));
    expect(clock.pausedMs).toBe(60 * 60_000);
    // Stopped at its due time: it counted its limit, the time left out kept apart.
    expect(stopClock(ALWAYS, clock, clock.dueAt).workedMs).toBe(10 * 60_000);
  });

  it('counts the warning share in working time: across lunch on the zone calendar', () => {
    // 2 working hours from 11:00: 11-12 and 13-14; 80% = 96 minutes → 13:36.
    const clock = startClock(zone, at('2026-11-26T11:00:00+08:00'), { value: 2, unit: 'workingHours' });
    expect(clock.dueAt).toEqual(at('2026-11-26T14:00:00+08:00'));
    expect(clock.warnAt).toEqual(at('2026-11-26T13:36:00+08:00'));
  });

  it('goes running → warning → overdue with time, and is paused while paused', () => {
    const clock = startClock(ALWAYS, at('2026-10-01T10:00:00+08:00'), minutes(10));
    expect(clockState(clock, at('2026-10-01T10:07:59+08:00'))).toBe('running');
    expect(clockState(clock, at('2026-10-01T10:08:00+08:00'))).toBe('warning');
    expect(clockState(clock, at('2026-10-01T10:10:00+08:00'))).toBe('overdue');
    const paused = pauseClock(ALWAYS, clock, at('2026-10-01T10:05:00+08:00'));
    expect(clockState(paused, at('2026-10-01T12:00:00+08:00'))).toBe('paused');
  });

  it('a paused clock keeps its remaining time and gets it back on resume', () => {
    const clock = startClock(ALWAYS, at('2026-10-01T10:00:00+08:00'), minutes(10));
    const paused = pauseClock(ALWAYS, clock, at('2026-10-01T10:04:00+08:00'));
    expect(slaView(ALWAYS, paused, at('2026-10-01T11:00:00+08:00'))).toMatchObject({
      state: 'paused',
      remainingWorkingMinutes: 6,
      pausedMinutes: 56,
    });
    const resumed = resumeClock(ALWAYS, paused, at('2026-10-01T11:00:00+08:00'));
    expect(resumed.dueAt).toEqual(at('2026-10-01T11:06:00+08:00'));
    expect(resumed.warnAt).toEqual(at('2026-10-01T11:04:00+08:00'));
    expect(resumed.pausedMs).toBe(56 * 60_000);
    expect(clockState(resumed, at('2026-10-01T11:05:00+08:00'))).toBe('warning');
  });

  it('a pause across a holiday resumes with the working time left, on the next working day', () => {
    // 1 working day from Tue 2025-09-30 10:00 is due at the close of Thu 10/9 (the holiday is 10/1-10/8).
    const clock = startClock(zone, at('2025-09-30T10:00:00+08:00'), { value: 1, unit: 'workingDays' });
    expect(clock.dueAt).toEqual(at('2025-10-09T17:00:00+08:00'));
    const paused = pauseClock(zone, clock, at('2025-09-30T16:00:00+08:00'));
    expect(paused.remainingMs).toBe((60 + 7 * 60) * 60_000);
    const resumed = resumeClock(zone, paused, at('2025-10-09T09:00:00+08:00'));
    // 8 working hours from Thu 10/9 09:00: 7 that day, 1 on Fri 10/10.
    expect(resumed.dueAt).toEqual(at('2025-10-10T10:00:00+08:00'));
  });

  it('is met when stopped in time and breached when stopped late', () => {
    const clock = startClock(ALWAYS, at('2026-10-01T10:00:00+08:00'), minutes(10));
    expect(clockState(stopClock(ALWAYS, clock, at('2026-10-01T10:09:00+08:00')), at('2026-10-02T00:00:00Z'))).toBe(
      'met',
    );
    expect(clockState(stopClock(ALWAYS, clock, at('2026-10-01T10:11:00+08:00')), at('2026-10-02T00:00:00Z'))).toBe(
      'breached',
    );
  });

  it('names the next threshold for a timer and each threshold reached once', () => {
    const clock = startClock(ALWAYS, at('2026-10-01T10:00:00+08:00'), minutes(10));
    expect(nextThreshold(clock)).toEqual({ threshold: 'warning', at: clock.warnAt });
    expect(thresholdsDue(clock, at('2026-10-01T10:20:00+08:00'))).toEqual(['warning', 'overdue']);
    const warned = { ...clock, warnedAt: clock.warnAt };
    expect(nextThreshold(warned)).toEqual({ threshold: 'overdue', at: clock.dueAt });
    expect(thresholdsDue(warned, at('2026-10-01T10:09:00+08:00'))).toEqual([]);
    expect(nextThreshold({ ...warned, overdueAt: clock.dueAt })).toBeNull();
    expect(nextThreshold(pauseClock(ALWAYS, clock, at('2026-10-01T10:01:00+08:00')))).toBeNull();
  });

  it('shows how far past due an overdue clock is, as negative minutes', () => {
    const clock = startClock(ALWAYS, at('2026-10-01T10:00:00+08:00'), minutes(10));
    expect(slaView(ALWAYS, clock, at('2026-10-01T10:25:00+08:00')).remainingWorkingMinutes).toBe(-15);
  });

  it('keeps the legal limit beside the promised one, moved by pauses alike', () => {
    const clock = startClock(ALWAYS, at('2026-10-01T10:00:00+08:00'), minutes(10), 0.8, minutes(30));
    expect(clock.legalDueAt).toEqual(at('2026-10-01T10:30:00+08:00'));
    const resumed = resumeClock(
      ALWAYS,
      pauseClock(ALWAYS, clock, at('2026-10-01T10:10:00+08:00')),
      at('2026-10-01T11:00:00+08:00'),
    );
    expect(resumed.legalDueAt).toEqual(at('2026-10-01T11:20:00+08:00'));
  });

  it('an extension moves the due time by working days from the old one, and the warning alike', () => {
    // 2 working days from Mon 2026-11-23 10:00: due Wed 11/25 17:00; extended by 1: Thu 11/26 17:00.
    const clock = startClock(zone, at('2026-11-23T10:00:00+08:00'), { value: 2, unit: 'workingDays' });
    expect(clock.dueAt).toEqual(at('2026-11-25T17:00:00+08:00'));
    const extended = extendClock(zone, clock, { value: 1, unit: 'workingDays' });
    expect(extended.dueAt).toEqual(at('2026-11-26T17:00:00+08:00'));
    expect(extended.warnAt.getTime() - clock.warnAt.getTime()).toBeGreaterThanOrEqual(7 * 3600_000);
    const paused = pauseClock(zone, clock, at('2026-11-24T10:00:00+08:00'));
    expect(extendClock(zone, paused, { value: 1, unit: 'workingDays' }).remainingMs).toBe(
      paused.remainingMs! + 7 * 3600_000,
    );
  });

  it('a day made a holiday moves a running clock by that day; time already counted stays counted', () => {
    // 2 working days from Mon 2026-11-23 10:00: due Wed 11/25 17:00. Tue 11/24 becomes a holiday at Mon 15:00.
    const clock = startClock(zone, at('2026-11-23T10:00:00+08:00'), { value: 2, unit: 'workingDays' });
    const after = withDayOverride(zone, '2026-11-24', { working: false, name: '临时停办' });
    const moved = recalendarClock(zone, after, clock, at('2026-11-23T15:00:00+08:00'));
    expect(moved.dueAt).toEqual(at('2026-11-26T17:00:00+08:00'));
    const paused = pauseClock(zone, clock, at('2026-11-23T15:00:00+08:00'));
    expect(recalendarClock(zone, after, paused, at('2026-11-23T15:00:00+08:00'))).toBe(paused);
  });
});

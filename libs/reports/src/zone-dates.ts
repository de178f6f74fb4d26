/**
 * Zone dates (`YYYY-MM-DD` in Asia/Shanghai, +08:00 all year) as the reports count them: one set of
 * helpers for the service, the rollups, the daily counts and the controller.
 */
export const DAY_MS = 86_400_000;
const ZONE_OFFSET_MS = 8 * 3_600_000;

export const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
/** Whole days from one date to another (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string) =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;
/** Midnight at the start of a zone date, as a UTC instant. */
export const zoneMidnight = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - ZONE_OFFSET_MS);
/** The zone date of an instant. */
export const zoneToday = (now: Date) => new Date(now.getTime() + ZONE_OFFSET_MS).toISOString().slice(0, 10);
/** A DATE column as MySQL hands it back (a Date at UTC midnight, or text). */
export const dateText = (value: unknown) =>
  value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
/** True for a date that is on the calendar (not 2026-02-30). */
export const isRealDate = (date: string) => {
  const t = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === date;
};
/** The Monday of a date's ISO week. */
export const mondayOf = (date: string) => addDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));
export const monthOf = (date: string) => `${date.slice(0, 7)}-01`;
/** The last date of the month that starts on `month`. */
export const monthEnd = (month: string) => {
  const d = new Date(`${month}T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
};

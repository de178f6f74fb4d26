import { formatInstant } from '#common';
import type { DataSource } from 'typeorm';

/** The zone's calendar day of an instant as YYYYMMDD (Asia/Shanghai, UTC+8). */
export function zoneDay(instant: Date): string {
  return formatInstant(instant).slice(0, 10).replaceAll('-', '');
}

/** `GX` + the zone's day + a six-digit daily sequence, e.g. GX20261126000123. */
export function formatRequestNumber(day: string, sequence: number): string {
  if (!/^\d{8}$/.test(day)) throw new Error(`day ${day} is not YYYYMMDD`);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999_999) {
    throw new Error(`sequence ${sequence} is outside 1..999999`);
  }
  return `GX${day}${String(sequence).padStart(6, '0')}`;
}

/**
 * The next number of the day. One autocommitted statement per number: the counter row is locked
 * only for that statement, not for the submission's transaction, so concurrent submissions never
 * queue behind each other's commits. LAST_INSERT_ID(expr) hands the new value back on the same
 * connection. A submission that fails after this leaves a gap in the day's numbers, never a
 * duplicate.
 */
export async function allocateRequestNumber(dataSource: DataSource, instant: Date): Promise<string> {
  const day = zoneDay(instant);
  const result = (await dataSource.query(
    'INSERT INTO request_number_sequences (day, last_value) VALUES (?, LAST_INSERT_ID(1)) ON DUPLICATE KEY UPDATE last_value = LAST_INSERT_ID(last_value + 1)',
    [day],
  )) as { insertId?: number | string };
  const sequence = Number(result.insertId);
  if (!Number.isInteger(sequence) || sequence < 1) {
    throw new Error(`the number sequence of ${day} returned ${String(result.insertId)}`);
  }
  return formatRequestNumber(day, sequence);
}

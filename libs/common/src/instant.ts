/** The zone's calendar and display offset (China has kept UTC+8 all year since 1991). */
export const ZONE_TIME_ZONE = 'Asia/Shanghai';
const ZONE_OFFSET_MINUTES = 8 * 60;

/** An instant as ISO 8601 with the zone's offset, e.g. 2026-11-26T17:05:00.000+08:00. */
export function formatInstant(instant: Date): string {
  const shifted = new Date(instant.getTime() + ZONE_OFFSET_MINUTES * 60_000);
  return `${shifted.toISOString().slice(0, -1)}+08:00`;
}

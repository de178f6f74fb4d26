import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';

dayjs.extend(utc);
dayjs.extend(timezone);

/** The zone's calendar: every time is shown in Asia/Shanghai, whatever the browser's zone. */
export const ZONE = 'Asia/Shanghai';

export const zoneTime = (iso: string) => dayjs(iso).tz(ZONE);
export const formatTime = (iso: string | null | undefined) => (iso ? zoneTime(iso).format('YYYY-MM-DD HH:mm') : '—');
export const formatFull = (iso: string) => zoneTime(iso).format('YYYY-MM-DD HH:mm:ss [UTC]Z');

/** Working minutes as hours and minutes ("3 h 20 min" / "3小时20分"). */
export function workingDuration(minutes: number, lang: 'zh-CN' | 'en'): string {
  const sign = minutes < 0 ? '-' : '';
  const m = Math.abs(Math.round(minutes));
  const h = Math.floor(m / 60);
  const rest = m % 60;
  if (lang === 'en') return `${sign}${h ? `${h} h ` : ''}${rest} min`;
  return `${sign}${h ? `${h}小时` : ''}${rest}分`;
}

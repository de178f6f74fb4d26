import type { CatalogueEntry } from './translate.js';

/** The 15-minute service circle (一刻钟政务服务圈): halls' places, opening hours and the nearby search. */
export const PLACES_MESSAGES: readonly CatalogueEntry[] = [
  ['lat and lng go together: give both or neither', 'lat 与 lng 须同时给出或同时省略'],
  ['{field} must be a number of degrees', '{field} 必须是以度为单位的数字'],
  ['radiusKm must be a number of kilometres', 'radiusKm 必须是以公里为单位的数字'],
  ['radiusKm must be from {min} to {max} (kilometres)', 'radiusKm 必须在 {min} 到 {max} 公里之间'],
  ['limit must be an integer from 1 to {max}', 'limit 必须是 1 到 {max} 之间的整数'],
  ['each of {field} must be {ruleText}', '{field} 的每一项都必须为{ruleText}'],
  ['openingHours must be an object of days (mon … sun)', 'openingHours 必须是按星期（mon … sun）给出的对象'],
  ['{field} must be a list of HH:MM-HH:MM ranges', '{field} 必须是 HH:MM-HH:MM 时段的列表'],
  ['each of {field} must be a range written HH:MM-HH:MM', '{field} 的每一项都必须是 HH:MM-HH:MM 格式的时段'],
  ['{field} must be written HH:MM-HH:MM; got {value}', '{field} 必须写成 HH:MM-HH:MM；收到的是 {value}'],
  ['{field} must lie within the day (00:00 to 24:00)', '{field} 必须在当天之内（00:00 至 24:00）'],
  ['{field} must end after it starts', '{field} 的结束时间必须晚于开始时间'],
  ['{field} overlaps or precedes the range before it', '{field} 与前一时段重叠或早于前一时段'],
];

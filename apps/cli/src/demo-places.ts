import type { NewHall } from '#catalogue';

/**
 * The demo zone's 1+5+N network around Suzhou Industrial Park (苏州工业园区, about 31.3°N 120.7°E):
 * the centre, five branch halls and twelve service points, with their addresses, WGS-84
 * coordinates, hours and the items they take in. The coordinates are plausible, not surveyed.
 */
const ZONE_HOURS = ['09:00-12:00', '13:00-17:00'];
const weekdays = (ranges: string[]) => ({ mon: ranges, tue: ranges, wed: ranges, thu: ranges, fri: ranges });
const POINT_HOURS = ['08:30-11:30', '13:30-17:00'];

/** The centre (made with the demo catalogue) and its first branch: their places. */
export const DEMO_CENTRE_PLACES: Record<'CENTRE' | 'EAST', Omit<NewHall, 'code' | 'name' | 'level'>> = {
  CENTRE: {
    address: '江苏省苏州市苏州工业园区现代大道999号',
    lat: 31.3235,
    lng: 120.7152,
    // 周六上午延时服务: Saturday mornings as well.
    openingHours: { ...weekdays(ZONE_HOURS), sat: ['09:00-12:00'] },
  },
  EAST: {
    address: '江苏省苏州市苏州工业园区唯亭街道葑亭大道668号',
    lat: 31.3702,
    lng: 120.7968,
  },
};

/** The other four branches and the twelve points, parents first. */
export const DEMO_HALLS: (NewHall & { takesDemoItem: boolean })[] = [
  ...(
    [
      ['DUSHU', '独墅湖便民服务分中心', '江苏省苏州市苏州工业园区星湖街218号', 31.2725, 120.7357],
      ['LOUFENG', '娄葑便民服务分中心', '江苏省苏州市苏州工业园区东环路1500号', 31.3048, 120.6587],
      ['XIETANG', '斜塘便民服务分中心', '江苏省苏州市苏州工业园区南施街99号', 31.2946, 120.7431],
      ['SHENGPU', '胜浦便民服务分中心', '江苏省苏州市苏州工业园区胜浦路288号', 31.3151, 120.8225],
    ] as const
  ).map(([code, name, address, lat, lng]) => ({
    code,
    name,
    level: 'branch' as const,
    parentCode: 'CENTRE',
    address,
    lat,
    lng,
    takesDemoItem: true,
  })),
  ...(
    [
      [
        'EAST-WTXC',
        '唯亭星澄社区便民服务站',
        'EAST',
        '江苏省苏州市苏州工业园区唯亭街道星澄路12号',
        31.3756,
        120.7872,
        true,
      ],
      [
        'EAST-CYSQ',
        '唯亭春阳社区便民服务站',
        'EAST',
        '江苏省苏州市苏州工业园区唯亭街道春阳路5号',
        31.3641,
        120.8061,
        false,
      ],
      ['DUSHU-GJC', '独墅湖高教区服务点', 'DUSHU', '江苏省苏州市苏州工业园区仁爱路150号', 31.2662, 120.7421, true],
      ['DUSHU-QQW', '月亮湾企业服务点', 'DUSHU', '江苏省苏州市苏州工业园区星湖街328号', 31.2779, 120.7265, true],
      [
        'LOUFENG-HTS',
        '娄葑和顺社区便民服务站',
        'LOUFENG',
        '江苏省苏州市苏州工业园区和顺路36号',
        31.3102,
        120.6712,
        false,
      ],
      [
        'LOUFENG-DF',
        '娄葑东方社区便民服务站',
        'LOUFENG',
        '江苏省苏州市苏州工业园区东方大道88号',
        31.2981,
        120.6698,
        true,
      ],
      [
        'XIETANG-JJW',
        '金鸡湖商务区企业服务点',
        'XIETANG',
        '江苏省苏州市苏州工业园区苏州大道东265号',
        31.3183,
        120.7268,
        true,
      ],
      [
        'XIETANG-LT',
        '斜塘莲香社区便民服务站',
        'XIETANG',
        '江苏省苏州市苏州工业园区莲香街20号',
        31.2889,
        120.7512,
        false,
      ],
      [
        'SHENGPU-XH',
        '胜浦新浦社区便民服务站',
        'SHENGPU',
        '江苏省苏州市苏州工业园区新浦路66号',
        31.3205,
        120.8144,
        true,
      ],
      [
        'SHENGPU-ZX',
        '胜浦综合保税区企业服务点',
        'SHENGPU',
        '江苏省苏州市苏州工业园区港田路99号',
        31.3322,
        120.8301,
        true,
      ],
      ['CENTRE-HXW', '湖西CBD企业服务驿站', 'CENTRE', '江苏省苏州市苏州工业园区旺墩路188号', 31.3168, 120.6935, true],
      [
        'CENTRE-24H',
        '政务服务中心24小时自助服务区',
        'CENTRE',
        '江苏省苏州市苏州工业园区现代大道999号一楼',
        31.3231,
        120.7158,
        false,
      ],
    ] as const
  ).map(([code, name, parentCode, address, lat, lng, takesDemoItem]) => ({
    code,
    name,
    level: 'point' as const,
    parentCode,
    address,
    lat,
    lng,
    openingHours: code.endsWith('-24H')
      ? { sun: ['00:00-24:00'], ...weekdays(['00:00-24:00']), sat: ['00:00-24:00'] }
      : code.startsWith('XIETANG-JJW')
        ? { ...weekdays(['09:00-18:00']), sat: ['09:00-12:00'] }
        : weekdays(POINT_HOURS),
    takesDemoItem,
  })),
];

import { HallsService } from '#catalogue';
import { Clock } from '#common';
import { AuditEvent } from '#database';
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { apiOf, buildWorld, material, messageText, workingDays } from './fixtures/world.js';
import { createApp, unique } from './helpers.js';

/** The domain's time, set by the test. */
class SetClock extends Clock {
  at = new Date('2026-10-12T02:00:00Z');
  now(): Date {
    return new Date(this.at);
  }
}

/** A second, independent, great-circle distance: the haversine on the same mean Earth radius. */
const R = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;
function haversine(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

/** The point `meters` from `from` on `bearing` degrees (the sphere's direct problem), rounded to 6 decimals as stored. */
function destination(from: { lat: number; lng: number }, bearing: number, meters: number) {
  const d = meters / R;
  const lat1 = rad(from.lat);
  const lng1 = rad(from.lng);
  const b = rad(bearing);
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b));
  const lng2 =
    lng1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
  const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
  return { lat: round6((lat2 * 180) / Math.PI), lng: round6((lng2 * 180) / Math.PI) };
}

const at = (local: string) => new Date(`${local}+08:00`);

describe('the 15-minute service circle: halls’ places and GET /halls/nearby', () => {
  let app: INestApplication;
  let db: DataSource;
  const clock = new SetClock();
  const u = unique().toUpperCase();
  const c = (name: string) => `${name}-${u}`;
  const ITEM = c('NB-ITEM');
  const OTHER_ITEM = c('NB-OTHER');
  const CENTRE = c('NB-C');
  let tokens: Record<string, string> = {};
  const { get, post } = apiOf(() => app);
  const patch = (path: string, body: object, token: string | null = tokens.admin) => {
    const req = request(app.getHttpServer()).patch(`/api/v1${path}`);
    if (token) req.set('Authorization', `Bearer ${token}`);
    return req.send(body);
  };
  // A point of its own per run (the database keeps earlier runs' places), in China's latitudes.
  const origin = { lat: 22 + Math.round(Math.random() * 2e5) / 1e4, lng: 100 + Math.round(Math.random() * 2e5) / 1e4 };
  /** Places around the origin: [name, bearing, metres, takes ITEM]. */
  const PLACES: [string, number, number, boolean][] = [
    ['P1', 10, 300, true],
    ['P2', 100, 1200, true],
    ['P3', 200, 2500, true],
    ['P4', 290, 4200, true],
    ['P5', 45, 4900, true],
    ['P6', 135, 5300, true],
    ['P7', 250, 9000, true],
    ['P8', 330, 800, false],
  ];
  const placeOf = new Map(PLACES.map(([name, bearing, meters]) => [c(name), destination(origin, bearing, meters)]));
  const nearby = (query: Record<string, string | number>) =>
    get(
      `/halls/nearby?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`,
    );

  beforeAll(async () => {
    app = await createApp((builder) => builder.overrideProvider(Clock).useValue(clock));
    db = app.get(getDataSourceToken());
    const department = c('NB-D');
    const matter = c('NB-M');
    ({ tokens } = await buildWorld(app, {
      departments: [{ code: department, name: '附近测试部门' }],
      halls: [{ code: CENTRE, name: '附近测试中心', level: 'centre' }],
      matters: [
        {
          code: matter,
          name: '附近测试事项',
          departmentCode: department,
          promisedLimit: workingDays(1),
          legalLimit: workingDays(5),
          materials: [material('NB-FORM', '申请表')],
          output: { kind: 'licence', name: '许可证' },
        },
      ],
      items: [ITEM, OTHER_ITEM].map((code) => ({
        code,
        name: '附近测试一件事',
        category: 'test',
        promisedLimit: workingDays(3),
        steps: [{ key: 'main', matterCode: matter }],
      })),
      users: { clerk: { role: 'clerk', hallCode: CENTRE } },
      username: (key) => `${key}-${u}`.toLowerCase(),
    }));
    for (const [name, , , takesItem] of PLACES) {
      const { lat, lng } = placeOf.get(c(name))!;
      const res = await post('/halls', tokens.admin, {
        code: c(name),
        name: `便民服务点${name}`,
        level: 'point',
        parentCode: CENTRE,
        address: `测试路${name}号`,
        lat,
        lng,
        itemCodes: takesItem ? [ITEM] : [OTHER_ITEM],
        ...(name === 'P2' ? { openingHours: { mon: ['09:00-17:00'], sat: ['09:00-12:00'] } } : {}),
      });
      expect(res.status).toBe(201);
    }
  });

  afterAll(async () => {
    await app.close();
  });

  describe('a hall’s place', () => {
    it('is created with the hall, listed with it and audited', async () => {
      const code = c('NB-NEW');
      const res = await post('/halls', tokens.admin, {
        code,
        name: '新设服务点',
        level: 'point',
        parentCode: CENTRE,
        address: '苏州工业园区星湖街328号',
        lat: 31.2931,
        lng: 120.7245,
        openingHours: { mon: ['09:00-12:00', '13:30-17:00'], fri: ['09:00-12:00'] },
        itemCodes: [OTHER_ITEM, ITEM, ITEM],
      });
      expect(res.status).toBe(201);
      const expected = {
        code,
        name: '新设服务点',
        level: 'point',
        parentCode: CENTRE,
        address: '苏州工业园区星湖街328号',
        lat: 31.2931,
        lng: 120.7245,
        openingHours: { mon: ['09:00-12:00', '13:30-17:00'], fri: ['09:00-12:00'] },
        itemCodes: [ITEM, OTHER_ITEM].sort(),
      };
      expect(res.body).toEqual(expected);
      let listed: unknown;
      for (let cursor = ''; !listed;) {
        const page = await get(`/halls?limit=100${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
        listed = page.body.items.find((h: { code: string }) => h.code === CENTRE);
        if (!page.body.nextCursor) break;
        cursor = page.body.nextCursor;
      }
      expect(listed).toEqual({
        code: CENTRE,
        name: '附近测试中心',
        level: 'centre',
      });
      const audit = await db.getRepository(AuditEvent).findBy({ subjectType: 'hall', subjectId: code });
      expect(audit).toEqual([expect.objectContaining({ action: 'hall.created', payload: expected })]);
    });

    it('is changed by an admin with PATCH, the fields left out staying, and the change audited', async () => {
      const code = c('NB-MOVE');
      await post('/halls', tokens.admin, { code, name: '待迁服务点', level: 'point', parentCode: CENTRE }).expect(201);
      expect(
        (await nearby({ ...origin, radiusKm: 1, itemCode: ITEM }).expect(200)).body.items.map(codeOf),
      ).not.toContain(code);
      const spot = destination(origin, 0, 100);
      const res = await patch(`/halls/${code}`, { ...spot, itemCodes: [ITEM], address: '迁入地址' }).expect(200);
      expect(res.body).toEqual({
        code,
        name: '待迁服务点',
        level: 'point',
        parentCode: CENTRE,
        address: '迁入地址',
        ...spot,
        itemCodes: [ITEM],
      });
      const renamed = await patch(`/halls/${code}`, { name: '已迁服务点' }).expect(200);
      expect(renamed.body).toMatchObject({ name: '已迁服务点', address: '迁入地址', ...spot, itemCodes: [ITEM] });
      const found = await nearby({ ...origin, radiusKm: 1, itemCode: ITEM }).expect(200);
      expect(found.body.items.map(codeOf)).toEqual([code, c('P1')]);
      // Moved away: out of the circle.
      await patch(`/halls/${code}`, destination(origin, 180, 20_000)).expect(200);
      expect((await nearby({ ...origin, radiusKm: 1, itemCode: ITEM }).expect(200)).body.items.map(codeOf)).toEqual([
        c('P1'),
      ]);
      const audit = await db.getRepository(AuditEvent).findBy({ subjectType: 'hall', subjectId: code });
      expect(audit.map((e) => e.action)).toEqual(['hall.created', 'hall.changed', 'hall.changed', 'hall.changed']);
      expect(audit[2].payload).toMatchObject({ before: { name: '待迁服务点' }, after: { name: '已迁服务点' } });
    });

    it('refuses bad places with a 400 naming the field, and an unknown hall with a 404', async () => {
      const base = { code: c('NB-BAD'), name: '错误服务点', level: 'point', parentCode: CENTRE };
      const cases: [object, string][] = [
        [{ lat: 91, lng: 120 }, 'lat must not be greater than 90'],
        [{ lat: 31, lng: -181 }, 'lng must not be less than -180'],
        [{ lat: '31', lng: 120 }, 'lat must be a number of degrees'],
        [{ lat: 31 }, 'lat and lng go together: give both or neither'],
        [{ openingHours: { mon: ['9-17'] } }, 'openingHours.mon: each of mon must be a range written HH:MM-HH:MM'],
        [{ openingHours: { mon: ['17:00-09:00'] } }, 'openingHours.mon.0 must end after it starts'],
        [{ openingHours: { mon: ['09:00-12:60'] } }, 'openingHours.mon.0 must be written HH:MM-HH:MM; got 09:00-12:60'],
        [
          { openingHours: { tue: ['13:00-17:00', '09:00-12:00'] } },
          'openingHours.tue.1 overlaps or precedes the range before it',
        ],
        [{ openingHours: { someday: ['09:00-12:00'] } }, 'openingHours.someday: property someday should not exist'],
        [{ itemCodes: [c('NB-NONE')] }, `item ${c('NB-NONE')} does not exist`],
      ];
      for (const [place, message] of cases) {
        const res = await post('/halls', tokens.admin, { ...base, ...place });
        expect([res.status, messageText(res.body)]).toEqual([400, expect.stringContaining(message)]);
      }
      await patch(`/halls/${c('NB-NOWHERE')}`, { name: 'x' }).expect(404);
      await patch(`/halls/${CENTRE}`, { level: 'branch' }).expect(400);
      await patch(`/halls/${CENTRE}`, { name: 'x' }, tokens.clerk).expect(403);
      await patch(`/halls/${CENTRE}`, { name: 'x' }, null).expect(401);
    });
  });

  describe('GET /halls/nearby', () => {
    it('lists the places within the radius that take the item, nearest first, with distances a haversine agrees with', async () => {
      const res = await nearby({ ...origin, itemCode: ITEM }).expect(200);
      const expected = PLACES.filter(([name, , , takes]) => takes && haversine(origin, placeOf.get(c(name))!) <= 5000)
        .map(([name]) => c(name))
        .sort((a, b) => haversine(origin, placeOf.get(a)!) - haversine(origin, placeOf.get(b)!));
      expect(expected).toEqual(['P1', 'P2', 'P3', 'P4', 'P5'].map(c));
      expect(res.body.radiusKm).toBe(5);
      expect(res.body.truncated).toBe(false);
      expect(res.body.items.map(codeOf)).toEqual(expected);
      for (const place of res.body.items) {
        const independent = haversine(origin, placeOf.get(place.code)!);
        expect(Math.abs(place.distanceMeters - independent)).toBeLessThanOrEqual(1);
        expect({ lat: place.lat, lng: place.lng }).toEqual(placeOf.get(place.code));
      }
      expect(res.body.items[0]).toMatchObject({
        code: c('P1'),
        name: '便民服务点P1',
        level: 'point',
        parentCode: CENTRE,
        address: '测试路P1号',
      });
    });

    it('widens and narrows with radiusKm, caps with limit, and without an item lists every place', async () => {
      const wide = await nearby({ ...origin, itemCode: ITEM, radiusKm: 10 }).expect(200);
      expect(wide.body.items.map(codeOf)).toEqual(['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7'].map(c));
      const narrow = await nearby({ ...origin, itemCode: ITEM, radiusKm: 0.5 }).expect(200);
      expect(narrow.body.items.map(codeOf)).toEqual([c('P1')]);
      const capped = await nearby({ ...origin, itemCode: ITEM, limit: 2 }).expect(200);
      expect(capped.body).toMatchObject({ truncated: true });
      expect(capped.body.items.map(codeOf)).toEqual(['P1', 'P2'].map(c));
      const any = await nearby({ ...origin, radiusKm: 1 }).expect(200);
      expect(any.body.items.map(codeOf)).toEqual(['P1', 'P8'].map(c));
      const other = await nearby({ ...origin, itemCode: OTHER_ITEM }).expect(200);
      expect(other.body.items.map(codeOf)).toEqual([c('P8')]);
    });

    it('says whether each place is open now by its hours on the zone calendar', async () => {
      const openNow = async (local: string) => {
        clock.at = at(local);
        const res = await nearby({ ...origin, itemCode: ITEM, radiusKm: 1.5 }).expect(200);
        expect(res.body.asOf).toBe(`${local}.000+08:00`);
        return Object.fromEntries(
          res.body.items.map((p: { code: string; openNow: boolean }) => [p.code.split('-')[0], p.openNow]),
        );
      };
      // P1 keeps the zone's hours (09:00-12:00, 13:00-17:00 on working days); P2 its own: Mon 09:00-17:00, Sat 09:00-12:00.
      expect(await openNow('2026-10-12T10:00:00')).toEqual({ P1: true, P2: true }); // a Monday
      expect(await openNow('2026-10-12T12:30:00')).toEqual({ P1: false, P2: true }); // the zone's lunch break
      expect(await openNow('2026-10-12T17:00:00')).toEqual({ P1: false, P2: false }); // closing time is closed
      expect(await openNow('2026-10-13T10:00:00')).toEqual({ P1: true, P2: false }); // P2 is shut on Tuesdays
      expect(await openNow('2026-10-17T10:00:00')).toEqual({ P1: false, P2: true }); // an ordinary Saturday
      expect(await openNow('2026-10-18T10:00:00')).toEqual({ P1: false, P2: false }); // Sunday
      expect(await openNow('2026-10-01T10:00:00')).toEqual({ P1: false, P2: false }); // 国庆节, a Thursday
      expect(await openNow('2026-10-05T10:00:00')).toEqual({ P1: false, P2: false }); // 国庆 week, a Monday
      // 2026-10-10 is a Saturday worked in exchange (调休): open at the zone's hours, P2 at its own Saturday's.
      expect(await openNow('2026-10-10T10:00:00')).toEqual({ P1: true, P2: true });
      expect(await openNow('2026-10-10T15:00:00')).toEqual({ P1: true, P2: false });
      clock.at = at('2026-10-12T10:00:00');
    });

    it('finds the candidates through the spatial index, then measures them exactly', async () => {
      const { sql, params } = app.get(HallsService).nearbySql({ ...origin, itemCode: ITEM, radiusKm: 5 });
      const plan = (await db.query(`EXPLAIN ${sql}`, params)) as {
        table: string;
        type: string;
        key: string | null;
      }[];
      // The locations are read first, as a range of the spatial index (the bounding box); halls and
      // items are then looked up by key for each candidate.
      expect(plan.map(({ table, type, key }) => ({ table, type, key }))).toEqual([
        { table: 'l', type: 'range', key: 'sx_hall_locations_location' },
        { table: 'h', type: 'eq_ref', key: 'PRIMARY' },
        { table: 'i', type: 'eq_ref', key: 'PRIMARY' },
      ]);
      const [ddl] = (await db.query('SHOW CREATE TABLE hall_locations')) as Record<string, string>[];
      expect(ddl['Create Table']).toMatch(/SPATIAL KEY `sx_hall_locations_location` \(`location`\)/);
    });

    it('refuses a bad query with a 400 naming the parameter', async () => {
      const cases: [Record<string, string | number>, string][] = [
        [{ lng: 120 }, 'lat must be a number of degrees'],
        [{ lat: 31, lng: 'east' }, 'lng must be a number of degrees'],
        [{ lat: -90.5, lng: 120 }, 'lat must not be less than -90'],
        [{ lat: 31, lng: 120, radiusKm: 51 }, 'radiusKm must be from 0.1 to 50 (kilometres)'],
        [{ lat: 31, lng: 120, radiusKm: 0 }, 'radiusKm must be from 0.1 to 50 (kilometres)'],
        [{ lat: 31, lng: 120, limit: 51 }, 'limit must not be greater than 50'],
        [{ lat: 31, lng: 120, itemCode: 'bad code' }, 'itemCode must be'],
      ];
      for (const [query, message] of cases) {
        const res = await nearby(query);
        expect([res.status, messageText(res.body)]).toEqual([400, expect.stringContaining(message)]);
      }
    });

    it('answers near the poles and the 180th meridian', async () => {
      for (const point of [
        { lat: 89.99, lng: 0 },
        { lat: -89.99, lng: 179.99 },
        { lat: 0, lng: -179.999 },
      ]) {
        await nearby({ ...point, radiusKm: 50 }).expect(200);
      }
    });
  });
});

const codeOf = (place: { code: string }) => place.code;

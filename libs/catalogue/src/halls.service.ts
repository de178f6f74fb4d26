import { AuditWriter } from '#audit';
import { Clock, DEFAULT_PAGE_LIMIT, insertOrConflict, notFound, type Page, validationFailed } from '#common';
import { Hall, type HallLevel, type OpeningHours } from '#database';
import type { Actor } from '#identity';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { HallChanges, HallPlace, HallView, NearbyHall, NearbyQuery, NewHall } from './catalogue.types.js';
import { pageByCode } from './code-page.js';
import {
  boundingBox,
  boxPolygon,
  DEFAULT_NEARBY_LIMIT,
  DEFAULT_NEARBY_RADIUS_KM,
  EARTH_RADIUS_METERS,
  MAX_NEARBY_LIMIT,
  MAX_NEARBY_RADIUS_KM,
  MIN_NEARBY_RADIUS_KM,
  NEARBY_RADIUS_RULE,
} from './geo.js';
import { hallParentProblem } from './hall-rules.js';

export const toHallView = (hall: Hall, itemCodes: string[] = []): HallView => ({
  code: hall.code,
  name: hall.name,
  level: hall.level,
  ...(hall.parentCode ? { parentCode: hall.parentCode } : {}),
  ...(hall.address ? { address: hall.address } : {}),
  ...(hall.latitude !== null && hall.longitude !== null ? { lat: hall.latitude, lng: hall.longitude } : {}),
  ...(hall.openingHours ? { openingHours: hall.openingHours } : {}),
  ...(itemCodes.length > 0 ? { itemCodes } : {}),
});

/** What is wrong with a place's coordinates and items as given, before anything is read. */
function placeProblems(place: HallPlace): string[] {
  const problems: string[] = [];
  if ((place.lat === undefined) !== (place.lng === undefined)) {
    problems.push('lat and lng go together: give both or neither');
  }
  return problems;
}

interface NearbyRow {
  code: string;
  name: string;
  level: HallLevel;
  parent_code: string | null;
  address: string | null;
  latitude: string | number;
  longitude: string | number;
  opening_hours: OpeningHours | string | null;
  distance: string | number;
}

/** 政务服务大厅 / 站点: the 1+5+N network of halls where requests are received. */
@Injectable()
export class HallsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor | null, input: NewHall): Promise<HallView> {
    const parentCode = input.parentCode ?? undefined;
    const problems = placeProblems(input);
    if (problems.length > 0) throw validationFailed(problems);
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      // Halls are never deleted, so the parent read here is still there at commit.
      const parent = parentCode ? await manager.findOneBy(Hall, { code: parentCode }) : null;
      const problem = hallParentProblem(input.level, parentCode, parent);
      if (problem) throw validationFailed(problem);
      const itemCodes = await this.existingItems(manager, input.itemCodes);
      const hall = manager.create(Hall, {
        code: input.code,
        name: input.name,
        level: input.level,
        parentCode: parent?.code ?? null,
        address: input.address ?? null,
        latitude: input.lat ?? null,
        longitude: input.lng ?? null,
        openingHours: input.openingHours ?? null,
        createdAt: this.clock.now(),
      });
      await insertOrConflict(manager.insert(Hall, hall), `hall ${input.code}`);
      await this.writePlace(manager, hall, itemCodes);
      const view = toHallView(hall, itemCodes ?? []);
      await this.audit.append(manager, {
        subjectType: 'hall',
        subjectId: hall.code,
        action: 'hall.created',
        actor,
        payload: { ...view },
      });
      return view;
    });
  }

  /** Changes a hall's name, address, coordinates, opening hours or items (the list given replaces the old). */
  async update(actor: Actor | null, code: string, changes: HallChanges): Promise<HallView> {
    const problems = placeProblems(changes);
    if (problems.length > 0) throw validationFailed(problems);
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const hall = await manager.findOne(Hall, { where: { code }, lock: { mode: 'pessimistic_write' } });
      if (!hall) throw notFound(`hall ${code}`);
      const before = toHallView(hall, await this.itemsOf(manager, [code]).then((m) => m.get(code) ?? []));
      const itemCodes = await this.existingItems(manager, changes.itemCodes);
      if (changes.name !== undefined) hall.name = changes.name;
      if (changes.address !== undefined) hall.address = changes.address;
      if (changes.lat !== undefined && changes.lng !== undefined) {
        hall.latitude = changes.lat;
        hall.longitude = changes.lng;
      }
      if (changes.openingHours !== undefined) hall.openingHours = changes.openingHours;
      await manager.update(
        Hall,
        { code },
        {
          name: hall.name,
          address: hall.address,
          latitude: hall.latitude,
          longitude: hall.longitude,
          openingHours: hall.openingHours,
        },
      );
      await this.writePlace(manager, hall, itemCodes);
      const view = toHallView(hall, itemCodes ?? before.itemCodes ?? []);
      await this.audit.append(manager, {
        subjectType: 'hall',
        subjectId: code,
        action: 'hall.changed',
        actor,
        payload: { before: { ...before }, after: { ...view } },
      });
      return view;
    });
  }

  async list(limit = DEFAULT_PAGE_LIMIT, cursor?: string): Promise<Page<HallView>> {
    const page = await pageByCode(
      this.dataSource.getRepository(Hall).createQueryBuilder('h'),
      { column: 'h.code', codeOf: (h) => h.code, limit, cursor },
      (hall) => hall,
    );
    const items = await this.itemsOf(
      this.dataSource.manager,
      page.items.map((h) => h.code),
    );
    return { items: page.items.map((h) => toHallView(h, items.get(h.code) ?? [])), nextCursor: page.nextCursor };
  }

  /**
   * The places within `radiusKm` of a point that take an item, nearest first: the spatial index of
   * hall_locations finds those in the bounding box of the circle, then the distance on the sphere
   * keeps those inside it. At most `limit`, and whether more were left out.
   */
  async nearby(query: NearbyQuery): Promise<{ items: NearbyHall[]; truncated: boolean }> {
    const { sql, params } = this.nearbySql(query);
    const limit = query.limit ?? DEFAULT_NEARBY_LIMIT;
    const rows = (await this.dataSource.query(sql, params)) as NearbyRow[];
    return {
      items: rows.slice(0, limit).map((r) => ({
        code: r.code,
        name: r.name,
        level: r.level,
        ...(r.parent_code ? { parentCode: r.parent_code } : {}),
        ...(r.address ? { address: r.address } : {}),
        lat: Number(r.latitude),
        lng: Number(r.longitude),
        openingHours:
          typeof r.opening_hours === 'string' ? (JSON.parse(r.opening_hours) as OpeningHours) : r.opening_hours,
        distanceMeters: Math.round(Number(r.distance)),
      })),
      truncated: rows.length > limit,
    };
  }

  /**
   * The nearby search's statement, for it and for a test to EXPLAIN. STRAIGHT_JOIN keeps the
   * spatial index first: when MariaDB 10.11 starts from the (selective) item instead, it scans the
   * spatial index inside a join buffer and fails with ER_READ_ONLY_TRANSACTION ("Update locks
   * cannot be acquired during a READ UNCOMMITTED transaction"), as it did here.
   */
  nearbySql(query: NearbyQuery): { sql: string; params: unknown[] } {
    const radiusKm = query.radiusKm ?? DEFAULT_NEARBY_RADIUS_KM;
    const limit = query.limit ?? DEFAULT_NEARBY_LIMIT;
    if (!(radiusKm >= MIN_NEARBY_RADIUS_KM && radiusKm <= MAX_NEARBY_RADIUS_KM)) {
      throw validationFailed(NEARBY_RADIUS_RULE);
    }
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_NEARBY_LIMIT)) {
      throw validationFailed(`limit must be an integer from 1 to ${MAX_NEARBY_LIMIT}`);
    }
    const radiusMeters = radiusKm * 1000;
    const box = boxPolygon(boundingBox(query, radiusMeters));
    const byItem = query.itemCode !== undefined;
    return {
      sql: `SELECT STRAIGHT_JOIN h.code, h.name, h.level, h.parent_code, h.address, h.latitude, h.longitude, h.opening_hours,
                   ST_Distance_Sphere(l.location, POINT(?, ?), ?) AS distance
              FROM hall_locations l FORCE INDEX (sx_hall_locations_location)
              JOIN halls h ON h.code = l.hall_code
              ${byItem ? 'JOIN hall_items i ON i.hall_code = l.hall_code AND i.item_code = ?' : ''}
             WHERE MBRIntersects(ST_GeomFromText(?), l.location)
            HAVING distance <= ?
             ORDER BY distance, h.code
             LIMIT ?`,
      params: [
        query.lng,
        query.lat,
        EARTH_RADIUS_METERS,
        ...(byItem ? [query.itemCode] : []),
        box,
        radiusMeters,
        limit + 1,
      ],
    };
  }

  /** The item codes as given, deduplicated, once each is known to exist; undefined when none were given. */
  private async existingItems(manager: EntityManager, codes: string[] | undefined): Promise<string[] | undefined> {
    if (codes === undefined) return undefined;
    const unique = [...new Set(codes)].sort();
    if (unique.length === 0) return [];
    const found = (await manager.query(
      `SELECT code FROM service_items WHERE code IN (${unique.map(() => '?').join(', ')})`,
      unique,
    )) as { code: string }[];
    const known = new Set(found.map((r) => r.code));
    const missing = unique.filter((c) => !known.has(c));
    if (missing.length > 0) throw validationFailed(missing.map((c) => `item ${c} does not exist`));
    return unique;
  }

  /** The hall's point in the spatial index, and its items when a list was given. */
  private async writePlace(manager: EntityManager, hall: Hall, itemCodes: string[] | undefined): Promise<void> {
    if (hall.latitude !== null && hall.longitude !== null) {
      await manager.query(
        `INSERT INTO hall_locations (hall_code, location) VALUES (?, POINT(?, ?))
         ON DUPLICATE KEY UPDATE location = VALUES(location)`,
        [hall.code, hall.longitude, hall.latitude],
      );
    }
    if (itemCodes === undefined) return;
    await manager.query('DELETE FROM hall_items WHERE hall_code = ?', [hall.code]);
    if (itemCodes.length > 0) {
      await manager.query(
        `INSERT INTO hall_items (item_code, hall_code) VALUES ${itemCodes.map(() => '(?, ?)').join(', ')}`,
        itemCodes.flatMap((c) => [c, hall.code]),
      );
    }
  }

  private async itemsOf(manager: EntityManager, codes: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (codes.length === 0) return out;
    const rows = (await manager.query(
      `SELECT hall_code, item_code FROM hall_items WHERE hall_code IN (${codes.map(() => '?').join(', ')})
        ORDER BY hall_code, item_code`,
      codes,
    )) as { hall_code: string; item_code: string }[];
    for (const r of rows) out.set(r.hall_code, [...(out.get(r.hall_code) ?? []), r.item_code]);
    return out;
  }
}

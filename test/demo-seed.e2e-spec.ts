import { loadConfig } from '#config';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import mysql from 'mysql2/promise';
import type { AddressInfo } from 'node:net';
import { MORE_ITEMS } from '../apps/cli/src/demo-catalogue.js';
import { seedDemoRequests } from '../apps/cli/src/demo-requests.js';
import { DEMO_ITEM, DEMO_PASSWORD, DEMO_USERS, DemoSeed } from '../apps/cli/src/demo-seed.js';
import { migrate } from '../apps/cli/src/migrate.js';
import { SetupModule } from '../apps/cli/src/setup.module.js';
import { apiOf } from './fixtures/world.js';
import { createApp, login, unique } from './helpers.js';
import { TEST_ENV } from './test-env.js';

/** The zone's centre (苏州工业园区), where the console's nearby search starts when it has no location. */
const ZONE_POINT = { lat: 31.3235, lng: 120.7152 };

/** What `npm start` seeds on an empty database: the desk a new user tries first. */
describe('the demo seeded on an empty database', () => {
  const database = `one_thing_demo_${unique()}`;
  const url = TEST_ENV.DATABASE_URL.replace(/\/[^/]+$/, `/${database}`);
  let setup: INestApplicationContext;
  let app: INestApplication;
  const { get } = apiOf(() => app);

  beforeAll(async () => {
    process.env.DATABASE_URL = url;
    await migrate(loadConfig());
    setup = await NestFactory.createApplicationContext(SetupModule, { logger: false });
    app = await createApp();
  });

  afterAll(async () => {
    await setup?.close();
    await app?.close();
    const config = loadConfig();
    const connection = await mysql.createConnection({
      host: config.database.host,
      port: config.database.port,
      user: config.database.user,
      password: config.database.password,
    });
    await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await connection.end();
    process.env.DATABASE_URL = TEST_ENV.DATABASE_URL;
  });

  it('seeds once: a second start finds the catalogue and seeds nothing', async () => {
    expect(await setup.get(DemoSeed).seedIfEmpty()).toBe(true);
    expect(await setup.get(DemoSeed).seedIfEmpty()).toBe(false);
  });

  it('publishes every demo item, each of a life-cycle stage', async () => {
    const items = (await get('/items?limit=100').expect(200)).body.items as { code: string; stage: string | null }[];
    expect(items.map((i) => i.code).sort()).toEqual([DEMO_ITEM, ...MORE_ITEMS].map((i) => i.code).sort());
    expect(items.filter((i) => i.stage === null)).toEqual([]);
  });

  it('has a place near the zone centre for every item, the centre first, so the nearby panel is never empty', async () => {
    for (const { code } of [DEMO_ITEM, ...MORE_ITEMS]) {
      const res = await get(
        `/halls/nearby?lat=${ZONE_POINT.lat}&lng=${ZONE_POINT.lng}&itemCode=${code}&radiusKm=5`,
      ).expect(200);
      const places = res.body.items as { code: string; distanceMeters: number }[];
      expect({ code, first: places[0]?.code }).toEqual({ code, first: 'CENTRE' });
    }
    // a service point takes 开办企业 only, and the points near the centre are listed for it
    const opening = await get(
      `/halls/nearby?lat=${ZONE_POINT.lat}&lng=${ZONE_POINT.lng}&itemCode=${DEMO_ITEM.code}&radiusKm=5`,
    ).expect(200);
    expect((opening.body.items as { level: string }[]).some((p) => p.level === 'point')).toBe(true);
  });

  it('lets every demo user sign in with the demo password', async () => {
    for (const user of DEMO_USERS) expect(await login(app, user.username, DEMO_PASSWORD)).toBeTruthy();
  });

  it('seeds requests whose 营业执照 then stands in for the 营业执照副本 企业信息变更 asks for (免提交)', async () => {
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    expect(await seedDemoRequests(`http://127.0.0.1:${port}`)).toBe(7);
    const applicant = await login(app, 'demo.applicant', DEMO_PASSWORD);
    const held = await get('/licences?kind=BUSINESS-LICENCE', applicant).expect(200);
    expect(held.body.items.length).toBeGreaterThanOrEqual(1);
    expect(
      held.body.items.every((l: { name: string; status: string }) => l.name === '营业执照' && l.status === 'valid'),
    ).toBe(true);
    const coverage = await get('/licences/coverage?itemCode=CHANGE-COMPANY-INFO', applicant).expect(200);
    expect(coverage.body.covered).toEqual([
      expect.objectContaining({
        code: 'BIZ-LICENCE-COPY',
        licence: expect.objectContaining({ kind: 'BUSINESS-LICENCE', number: held.body.items[0].number }),
      }),
    ]);
  });
});

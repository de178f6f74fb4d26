import { loadConfig } from '#config';
import { User } from '#database';
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import mysql from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { migrate } from '../apps/cli/src/migrate.js';
import { createApp, login, unique } from './helpers.js';
import { TEST_ENV } from './test-env.js';

describe('admin bootstrap on an empty database', () => {
  const database = `one_thing_boot_${unique()}`;
  const url = TEST_ENV.DATABASE_URL.replace(/\/[^/]+$/, `/${database}`);
  let app: INestApplication;

  beforeAll(async () => {
    process.env.DATABASE_URL = url;
    const { created, applied } = await migrate(loadConfig());
    expect(created).toBe(true);
    expect(applied.length).toBeGreaterThan(0);
    app = await createApp();
  });

  afterAll(async () => {
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

  it('creates admin with ADMIN_PASSWORD, once', async () => {
    const token = await login(app, 'admin', TEST_ENV.ADMIN_PASSWORD);
    expect(token).toBeTruthy();
    const db = app.get<DataSource>(getDataSourceToken());
    expect(await db.getRepository(User).countBy({ username: 'admin', role: 'admin' })).toBe(1);

    // A second start (another api replica) finds users and creates nobody.
    const second = await createApp();
    await second.close();
    expect(await db.getRepository(User).count()).toBe(1);
  });

  it('finds nothing to apply on a second migration run', async () => {
    expect((await migrate(loadConfig())).applied).toEqual([]);
  });
});

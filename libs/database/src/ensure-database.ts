import type { AppConfig } from '#config';
import mysql from 'mysql2/promise';

/** Creates the database named in DATABASE_URL when it is missing. */
export async function ensureDatabase(config: Pick<AppConfig, 'database'>): Promise<boolean> {
  const { host, port, user, password, name } = config.database;
  const connection = await mysql.createConnection({ host, port, user, password, connectTimeout: 5000 });
  try {
    const [rows] = await connection.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [
      name,
    ]);
    if ((rows as unknown[]).length > 0) return false;
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    return true;
  } finally {
    await connection.end();
  }
}

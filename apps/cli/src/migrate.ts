import type { AppConfig } from '#config';
import { buildDataSourceOptions, ensureDatabase } from '#database';
import { DataSource } from 'typeorm';

/** Creates the database when missing and applies pending migrations; returns their names. */
export async function migrate(config: AppConfig): Promise<{ created: boolean; applied: string[] }> {
  const created = await ensureDatabase(config);
  const dataSource = await new DataSource({ ...buildDataSourceOptions(config), logging: ['error'] }).initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return { created, applied: applied.map((m) => m.name) };
  } finally {
    await dataSource.destroy();
  }
}

export async function revertLast(config: AppConfig): Promise<void> {
  const dataSource = await new DataSource(buildDataSourceOptions(config)).initialize();
  try {
    await dataSource.undoLastMigration({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

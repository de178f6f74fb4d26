import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The 15-minute service circle (一刻钟政务服务圈): a hall's address, coordinates (WGS-84) and
 * weekly opening hours, the items it takes in, and a spatial index to find the places near a point.
 *
 * A SPATIAL index needs a NOT NULL geometry, and halls made before this have no coordinates, so the
 * point sits in its own table, `hall_locations`: one row per hall that has coordinates, written with
 * them in the same transaction. x is the longitude and y the latitude (SRID 0, the order
 * ST_Distance_Sphere reads). MySQL 8 uses a spatial index only on a column with an SRID attribute,
 * which MariaDB spells differently (and needs not): it is added on MySQL only.
 */
export class HallPlaces1797300000000 implements MigrationInterface {
  name = 'HallPlaces1797300000000';

  async up(q: QueryRunner): Promise<void> {
    const [{ v }] = (await q.query('SELECT VERSION() AS v')) as { v: string }[];
    const srid = /mariadb/i.test(v) ? '' : ' SRID 0';
    await q.query(`
      ALTER TABLE halls
        ADD COLUMN address varchar(200) NULL,
        ADD COLUMN latitude decimal(9,6) NULL,
        ADD COLUMN longitude decimal(9,6) NULL,
        ADD COLUMN opening_hours json NULL`);
    await q.query(`
      CREATE TABLE hall_locations (
        hall_code varchar(32) NOT NULL,
        location point NOT NULL${srid},
        PRIMARY KEY (hall_code),
        SPATIAL KEY sx_hall_locations_location (location),
        CONSTRAINT fk_hall_locations_hall FOREIGN KEY (hall_code) REFERENCES halls (code)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE hall_items (
        item_code varchar(32) NOT NULL,
        hall_code varchar(32) NOT NULL,
        PRIMARY KEY (item_code, hall_code),
        KEY ix_hall_items_hall (hall_code),
        CONSTRAINT fk_hall_items_hall FOREIGN KEY (hall_code) REFERENCES halls (code),
        CONSTRAINT fk_hall_items_item FOREIGN KEY (item_code) REFERENCES service_items (code)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE hall_items');
    await q.query('DROP TABLE hall_locations');
    await q.query(
      'ALTER TABLE halls DROP COLUMN opening_hours, DROP COLUMN longitude, DROP COLUMN latitude, DROP COLUMN address',
    );
  }
}

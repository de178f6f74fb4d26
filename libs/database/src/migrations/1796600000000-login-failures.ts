import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed logins in a row per username, and lockouts, as rate-limiter-flexible's MySQL store keeps
 * them (`key`, `points`, `expire` in ms, in that order): in MySQL so that no restart forgets one.
 */
export class LoginFailures1796600000000 implements MigrationInterface {
  name = 'LoginFailures1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE login_failures (
        \`key\` varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        points int NOT NULL DEFAULT 0,
        expire bigint unsigned NULL,
        PRIMARY KEY (\`key\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE login_failures');
  }
}

/**
 * The privileges the running app needs, table by table, and no more (docs/database-grants.md).
 * Migrations run under an owner account; the api and worker run under an account given these:
 * reads and writes on every table but the audit trail, where they may only read and append, so even
 * a compromised app cannot rewrite history. The chain heads stay writable (each append moves one);
 * changing a head without its events shows up in `npm run audit:verify`.
 */
export const APPEND_ONLY_TABLES = ['audit_events'] as const;
/** Read, so the start can see that no migration is pending; only the owner account applies them. */
export const READ_ONLY_TABLES = ['migrations'] as const;

export function tablePrivileges(table: string): string {
  if ((APPEND_ONLY_TABLES as readonly string[]).includes(table)) return 'SELECT, INSERT';
  if ((READ_ONLY_TABLES as readonly string[]).includes(table)) return 'SELECT';
  return 'SELECT, INSERT, UPDATE, DELETE';
}

const quoteName = (name: string) => `\`${name.replaceAll('`', '``')}\``;

/** GRANT statements for `account` (already quoted, such as 'one_thing_app'@'%') on the given tables of `database`. */
export function appGrantStatements(database: string, tables: readonly string[], account: string): string[] {
  return [...tables]
    .sort()
    .map((table) => `GRANT ${tablePrivileges(table)} ON ${quoteName(database)}.${quoteName(table)} TO ${account};`);
}

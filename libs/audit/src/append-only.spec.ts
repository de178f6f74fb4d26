import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every TypeScript source the apps run, migrations excepted (they run under the owner account). */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'migrations' || name === 'node_modules' ? [] : sources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('the audit trail is append-only in code', () => {
  const files = [...sources('apps'), ...sources('libs')];

  it('finds the sources', () => {
    expect(files.some((f) => f.endsWith('audit-writer.ts'))).toBe(true);
  });

  it('no source updates, deletes or truncates audit events', () => {
    const rewrites =
      /\b(UPDATE\s+`?audit_events|DELETE\s+FROM\s+`?audit_events|TRUNCATE\s+(TABLE\s+)?`?audit_events|REPLACE\s+INTO\s+`?audit_events)\b|getRepository\(AuditEvent\)\s*\.\s*(update|delete|remove|save|softDelete|upsert|increment|decrement|clear)\b/i;
    const offenders = files.filter((f) => rewrites.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});

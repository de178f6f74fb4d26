import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchRecord, compareLines, readRecord, saveRecord } from './compare.js';

const phase = (name: string, perSecond: number, total: number) => ({
  name,
  perSecond,
  p50: 10,
  p99: 40,
  failures: 0,
  cpuMs: { server: null, mysql: null, worker: null, redis: null, bench: null, total },
});

const record = (accept: number, approve: number, held: number | null): BenchRecord => ({
  commit: 'abc1234',
  at: '2026-12-07T10:00:00.000Z',
  loadAverage: [0.5, 0.4, 0.3],
  phases: [
    phase('intake: POST /requests (6 steps)', 400, 4),
    phase('accept: POST /requests/{id}/accept', accept, 8),
    phase('approve: licence, activating 5 steps', approve, 9),
  ],
  sustainedHeld: held,
});

describe('bench figures compared with an earlier run', () => {
  it('prints each phase now over before and the goals, keyed by the phase, not its whole name', () => {
    const before = record(100, 90, 200);
    const now = record(230, 171, 500);
    now.phases[1].name = 'accept: a renamed phase';
    const lines = compareLines(before, now);
    expect(lines.find((l) => l.startsWith('accept ')) ?? '').toMatch(/\s100\s+230\s+2\.30\s/);
    expect(lines).toContain('accept: 2.30× before (goal ≥ 2×)');
    expect(lines).toContain('approve: 1.90× before (goal ≥ 2×)');
    expect(lines).toContain('sustained: 500 req/s held, 2.50× the 200 before (goal ≥ 3×)');
  });

  it('says nothing of the sustained rate when either run skipped it', () => {
    expect(compareLines(record(100, 90, null), record(200, 180, 400)).join('\n')).not.toMatch(/sustained/);
  });

  it('reads back what it saved, and names the file when it is not a record', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-compare-'));
    const saved = saveRecord(record(100, 90, 200), join(dir, 'run.json'));
    expect(readRecord(saved).phases.map((p) => p.perSecond)).toEqual([400, 100, 90]);
    writeFileSync(join(dir, 'junk.json'), '{"phases": 3}');
    expect(() => readRecord(join(dir, 'junk.json'))).toThrow(/junk\.json: not a bench record/);
    expect(() => readRecord(join(dir, 'missing.json'))).toThrow(/missing\.json: not a readable JSON file/);
  });
});

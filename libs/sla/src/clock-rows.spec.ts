import type { CalendarService } from '#calendar';
import type { Clock } from '#common';
import { OutboxWriter } from '#queue';
import type { DataSource, EntityManager } from 'typeorm';
import { ClockRows } from './clock-rows.js';
import type { SlaClock } from './sla.types.js';

const now = new Date('2026-12-07T02:00:00Z');

/** A manager that records the statements it is given and answers each with an empty result. */
function recordingManager() {
  const statements: { sql: string; values: unknown[] }[] = [];
  const manager = {
    query: (sql: string, values: unknown[] = []) => {
      statements.push({ sql: sql.replace(/\s+/g, ' ').trim(), values });
      return Promise.resolve({ affectedRows: 1 });
    },
  } as unknown as EntityManager;
  return { manager, statements };
}

const clock = (id: string, generation: number): SlaClock => ({
  id,
  requestId: '7',
  kind: 'step',
  stepKey: `step-${id}`,
  calendarCode: 'ZONE',
  limit: { value: 1, unit: 'workingDays' },
  warnShare: 0.8,
  generation,
  calendarRevision: 1,
  startedAt: now,
  dueAt: now,
  warnAt: now,
  legalDueAt: null,
  pausedAt: null,
  remainingMs: null,
  remainingWarnMs: null,
  remainingLegalMs: null,
  pausedMs: 0,
  warnedAt: null,
  overdueAt: null,
  legalBreachedAt: null,
  stoppedAt: generation > 0 ? now : null,
  workedMs: null,
});

describe('ClockRows.write', () => {
  const rows = new ClockRows({} as DataSource, {} as CalendarService, new OutboxWriter({ now: () => now } as Clock));

  it("writes the change's own events and the clocks' in one insert, the change's first, in the order given", async () => {
    const { manager, statements } = recordingManager();
    await rows.write(
      manager,
      [clock('11', 1), clock('12', 0)],
      [
        { type: 'step.approved', data: { requestId: '7', stepKey: 'licence' } },
        { type: 'step.activated', data: { requestId: '7', stepKey: 'seal' } },
      ],
    );
    // The moved clock's update (a new one, generation 0, is already inserted), then one outbox insert.
    expect(statements.map((s) => s.sql.split(' ').slice(0, 3).join(' '))).toEqual([
      'UPDATE sla_clocks SET',
      'INSERT INTO outbox_events',
    ]);
    const inserted = statements[1].values;
    const typesAndPayloads = Array.from({ length: inserted.length / 4 }, (_, i) => inserted.slice(i * 4, i * 4 + 2));
    expect(typesAndPayloads).toEqual([
      ['step.approved', '{"requestId":"7","stepKey":"licence"}'],
      ['step.activated', '{"requestId":"7","stepKey":"seal"}'],
      ['sla.clock-changed', '{"clockId":"11"}'],
      ['sla.clock-changed', '{"clockId":"12"}'],
    ]);
  });

  it("writes the change's events when no clock moved, and nothing when there are none either", async () => {
    const { manager, statements } = recordingManager();
    await rows.write(manager, [], [{ type: 'request.supplied', data: { requestId: '7' } }]);
    expect(statements).toHaveLength(1);
    expect(statements[0].values.slice(0, 2)).toEqual(['request.supplied', '{"requestId":"7"}']);

    const idle = recordingManager();
    await rows.write(idle.manager, []);
    expect(idle.statements).toEqual([]);
  });
});

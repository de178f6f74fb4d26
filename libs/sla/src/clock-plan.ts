import type { ClockKind } from './sla-clock.js';

/** A clock as the plan sees it: which one, and whether it runs. */
export interface ClockSlot {
  kind: ClockKind;
  stepKey: string | null;
  paused: boolean;
}

export interface RequestShape {
  status: string;
  supplementStage: 'intake' | 'processing' | null;
  activeSteps: readonly string[];
  /** Active steps in a special procedure (特别程序) now. */
  procedureSteps?: readonly string[];
  /** A follow-up (整改) of a poor evaluation is open: not yet fed back to the applicant. */
  followUpOpen?: boolean;
}

const same = (a: ClockSlot, b: ClockSlot) => a.kind === b.kind && a.stepKey === b.stepKey;

/**
 * The clocks a request should have open in its state (docs/design.md, SLA clocks):
 * - submitted: the intake clock (行政许可法 Art. 32: accept, refuse or ask within the limit);
 * - waiting for a supplement asked at intake: the intake clock, paused (补正 stops the intake limit
 *   until the materials come; it counts on with the time it had left);
 * - in progress: the request clock and one clock per active step;
 * - waiting for a supplement asked by a department: the same clocks, paused;
 * - a step in a special procedure: its clock and the request's paused, the other steps' running;
 * - ended: none;
 * - and, whatever the status, a follow-up's clock while the follow-up is open (it stops at the feedback).
 */
export function desiredClocks(request: RequestShape): ClockSlot[] {
  const followUp: ClockSlot[] = request.followUpOpen ? [{ kind: 'follow-up', stepKey: null, paused: false }] : [];
  return [...requestClocks(request), ...followUp];
}

function requestClocks(request: RequestShape): ClockSlot[] {
  switch (request.status) {
    case 'submitted':
      return [{ kind: 'intake', stepKey: null, paused: false }];
    case 'in_progress':
    case 'supplement_required': {
      if (request.status === 'supplement_required' && request.supplementStage !== 'processing') {
        return [{ kind: 'intake', stepKey: null, paused: true }];
      }
      const waiting = request.status === 'supplement_required';
      const inProcedure = new Set((request.procedureSteps ?? []).filter((key) => request.activeSteps.includes(key)));
      return [
        { kind: 'request', stepKey: null, paused: waiting || inProcedure.size > 0 },
        ...request.activeSteps.map((stepKey) => ({
          kind: 'step' as const,
          stepKey,
          paused: waiting || inProcedure.has(stepKey),
        })),
      ];
    }
    default:
      return [];
  }
}

export interface ClockPlan {
  start: ClockSlot[];
  stop: ClockSlot[];
  pause: ClockSlot[];
  resume: ClockSlot[];
}

/** What to do to the open clocks so that they match the desired ones. */
export function planClocks(open: readonly ClockSlot[], desired: readonly ClockSlot[]): ClockPlan {
  const plan: ClockPlan = { start: [], stop: [], pause: [], resume: [] };
  for (const clock of open) {
    const wanted = desired.find((d) => same(d, clock));
    if (!wanted) plan.stop.push(clock);
    else if (wanted.paused && !clock.paused) plan.pause.push(clock);
    else if (!wanted.paused && clock.paused) plan.resume.push(clock);
  }
  for (const wanted of desired) if (!open.some((c) => same(c, wanted))) plan.start.push(wanted);
  return plan;
}

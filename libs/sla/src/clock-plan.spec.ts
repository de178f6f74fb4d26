import { desiredClocks, planClocks } from './clock-plan.js';

const intake = { kind: 'intake' as const, stepKey: null, paused: false };
const request = (paused = false) => ({ kind: 'request' as const, stepKey: null, paused });
const step = (stepKey: string, paused = false) => ({ kind: 'step' as const, stepKey, paused });

describe('the clocks a request should have open', () => {
  it('follows the lifecycle: intake, then the request and its active steps, paused while a department waits', () => {
    expect(desiredClocks({ status: 'submitted', supplementStage: null, activeSteps: [] })).toEqual([intake]);
    expect(desiredClocks({ status: 'supplement_required', supplementStage: 'intake', activeSteps: [] })).toEqual([
      { ...intake, paused: true },
    ]);
    expect(desiredClocks({ status: 'in_progress', supplementStage: null, activeSteps: ['seal', 'tax'] })).toEqual([
      request(),
      step('seal'),
      step('tax'),
    ]);
    expect(
      desiredClocks({ status: 'supplement_required', supplementStage: 'processing', activeSteps: ['seal'] }),
    ).toEqual([request(true), step('seal', true)]);
    expect(
      desiredClocks({
        status: 'in_progress',
        supplementStage: null,
        activeSteps: ['seal', 'tax'],
        procedureSteps: ['tax', 'licence'],
      }),
    ).toEqual([request(true), step('seal'), step('tax', true)]);
    for (const status of ['completed', 'denied', 'refused', 'withdrawn']) {
      expect(desiredClocks({ status, supplementStage: null, activeSteps: [] })).toEqual([]);
    }
  });
});

describe('planClocks', () => {
  it('at acceptance stops intake and starts the request and the first step', () => {
    expect(planClocks([intake], [request(), step('licence')])).toEqual({
      start: [request(), step('licence')],
      stop: [intake],
      pause: [],
      resume: [],
    });
  });

  it('after the licence stops its clock and starts the five parallel ones', () => {
    const plan = planClocks([request(), step('licence')], [request(), step('seal'), step('tax')]);
    expect(plan.stop).toEqual([step('licence')]);
    expect(plan.start).toEqual([step('seal'), step('tax')]);
  });

  it('pauses and resumes running clocks without starting new ones', () => {
    expect(planClocks([request(), step('seal')], [request(true), step('seal', true)])).toMatchObject({
      start: [],
      stop: [],
      pause: [request(), step('seal')],
    });
    expect(planClocks([request(true), step('seal', true)], [request(), step('seal')])).toMatchObject({
      resume: [request(true), step('seal', true)],
    });
  });

  it('pauses the intake clock while the applicant is asked for materials at intake, and resumes it at the answer', () => {
    const asked = desiredClocks({ status: 'supplement_required', supplementStage: 'intake', activeSteps: [] });
    expect(planClocks([intake], asked)).toEqual({ start: [], stop: [], pause: [intake], resume: [] });
    const answered = desiredClocks({ status: 'submitted', supplementStage: null, activeSteps: [] });
    expect(planClocks([{ ...intake, paused: true }], answered)).toEqual({
      start: [],
      stop: [],
      pause: [],
      resume: [{ ...intake, paused: true }],
    });
  });
});

describe('the follow-up clock (整改)', () => {
  const followUp = { kind: 'follow-up' as const, stepKey: null, paused: false };
  const ended = (followUpOpen?: boolean) => ({
    status: 'completed',
    supplementStage: null,
    activeSteps: [],
    followUpOpen,
  });

  it('runs on an ended request while its follow-up is open, and only then', () => {
    expect(desiredClocks(ended(true))).toEqual([followUp]);
    expect(desiredClocks(ended(false))).toEqual([]);
    expect(desiredClocks(ended())).toEqual([]);
  });

  it('starts when a poor evaluation opens it and stops at the feedback, leaving the request clocks alone', () => {
    expect(planClocks([], desiredClocks(ended(true)))).toEqual({ start: [followUp], stop: [], pause: [], resume: [] });
    expect(planClocks([followUp], desiredClocks(ended(true)))).toEqual({ start: [], stop: [], pause: [], resume: [] });
    expect(planClocks([followUp], desiredClocks(ended(false)))).toEqual({
      start: [],
      stop: [followUp],
      pause: [],
      resume: [],
    });
  });
});

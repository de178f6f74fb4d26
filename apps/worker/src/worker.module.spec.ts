import { jobHandlerProblems } from '#queue';
import { PROCESSORS } from './worker.module.js';

describe('the worker', () => {
  it('has exactly one handler for every job name', () => {
    expect(jobHandlerProblems(PROCESSORS.map((p) => ({ name: p.name, queue: p.queue, handles: p.handles })))).toEqual(
      [],
    );
  });
});

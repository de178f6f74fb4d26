import { jobHandlerProblems } from './handler-registry.js';

const complete = [
  { name: 'OutboxProcessor', queue: 'outbox' as const, handles: ['outbox.relay', 'outbox.prune'] as const },
  { name: 'EventsProcessor', queue: 'events' as const, handles: ['user.created'] as const },
];

describe('jobHandlerProblems', () => {
  it('finds nothing wrong when every job has one handler on its queue', () => {
    expect(jobHandlerProblems(complete)).toEqual([]);
  });

  it('names a job without a handler', () => {
    expect(jobHandlerProblems([complete[0]])).toEqual(['job user.created has no handler']);
  });

  it('names a job with two handlers', () => {
    const twice = [...complete, { name: 'Other', queue: 'events' as const, handles: ['user.created'] as const }];
    expect(jobHandlerProblems(twice)).toEqual(['job user.created has 2 handlers: EventsProcessor, Other']);
  });

  it('names a handler listening on the wrong queue', () => {
    const wrong = [
      complete[0],
      { name: 'EventsProcessor', queue: 'outbox' as const, handles: ['user.created'] as const },
    ];
    expect(jobHandlerProblems(wrong)).toEqual([
      'EventsProcessor listens on outbox but job user.created travels on events',
    ]);
  });
});

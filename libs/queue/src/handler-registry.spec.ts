import { jobHandlerProblems } from './handler-registry.js';
import { JOB_NAMES, JOB_QUEUES } from './jobs.js';

const events = JOB_NAMES.filter((name) => JOB_QUEUES[name] === 'events');
const complete = [
  {
    name: 'OutboxProcessor',
    queue: 'outbox' as const,
    handles: ['outbox.relay', 'outbox.prune', 'idempotency.prune', 'files.clean-up'] as const,
  },
  { name: 'EventsProcessor', queue: 'events' as const, handles: events },
  { name: 'SlaProcessor', queue: 'sla' as const, handles: ['sla.fire', 'sla.reconcile', 'sla.procedure-end'] as const },
  { name: 'WebhooksProcessor', queue: 'webhooks' as const, handles: ['webhook.deliver', 'webhook.sweep'] as const },
];
const withoutUserCreated = events.filter((name) => name !== 'user.created');

describe('jobHandlerProblems', () => {
  it('finds nothing wrong when every job has one handler on its queue', () => {
    expect(jobHandlerProblems(complete)).toEqual([]);
  });

  it('names a job without a handler', () => {
    const missing = [complete[0], { ...complete[1], handles: withoutUserCreated }, complete[2], complete[3]];
    expect(jobHandlerProblems(missing)).toEqual(['job user.created has no handler']);
  });

  it('names a job with two handlers', () => {
    const twice = [...complete, { name: 'Other', queue: 'events' as const, handles: ['user.created'] as const }];
    expect(jobHandlerProblems(twice)).toEqual(['job user.created has 2 handlers: EventsProcessor, Other']);
  });

  it('names a handler listening on the wrong queue', () => {
    const wrong = [
      complete[0],
      { name: 'EventsProcessor', queue: 'events' as const, handles: withoutUserCreated },
      complete[2],
      complete[3],
      { name: 'UsersProcessor', queue: 'outbox' as const, handles: ['user.created'] as const },
    ];
    expect(jobHandlerProblems(wrong)).toEqual([
      'UsersProcessor listens on outbox but job user.created travels on events',
    ]);
  });
});

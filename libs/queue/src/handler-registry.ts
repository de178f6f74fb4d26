import { JOB_NAMES, JOB_QUEUES, type JobName, type QueueName } from './jobs.js';

export interface ProcessorDescription {
  name: string;
  queue: QueueName;
  handles: readonly JobName[];
}

/**
 * Every job name must have exactly one handler, on the queue the job travels on; otherwise a
 * job would sit in Redis forever or be taken by the wrong worker. Returns the problems found.
 */
export function jobHandlerProblems(processors: readonly ProcessorDescription[]): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string[]>();
  for (const p of processors) {
    for (const name of p.handles) {
      owners.set(name, [...(owners.get(name) ?? []), p.name]);
      const queue = (JOB_QUEUES as Record<string, QueueName | undefined>)[name];
      if (queue === undefined) problems.push(`${p.name} handles unknown job ${name}`);
      else if (queue !== p.queue) problems.push(`${p.name} listens on ${p.queue} but job ${name} travels on ${queue}`);
    }
  }
  for (const name of JOB_NAMES) {
    const handlers = owners.get(name) ?? [];
    if (handlers.length === 0) problems.push(`job ${name} has no handler`);
    if (handlers.length > 1) problems.push(`job ${name} has ${handlers.length} handlers: ${handlers.join(', ')}`);
  }
  return problems;
}

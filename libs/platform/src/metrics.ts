import { timingSafeEqual, createHash } from 'node:crypto';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** The Prometheus text format's content type, as prom-client writes it. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * A registry of one process (`api` or `worker`), with Node's process metrics (CPU, memory, event
 * loop lag, GC, handles) under the `desk_` prefix and the process's role as a label, so one
 * dashboard tells the api's from the worker's.
 */
export function processRegistry(role: 'api' | 'worker'): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ process: role });
  collectDefaultMetrics({ register: registry, prefix: 'desk_' });
  return registry;
}

/** Whether an Authorization header carries the configured metrics token (compared in constant time). */
export function carriesMetricsToken(header: string | undefined, token: string): boolean {
  if (!token || typeof header !== 'string') return false;
  const match = /^Bearer (\S+)$/.exec(header.trim());
  if (!match) return false;
  // Hashed first, so the comparison takes the same time whatever the lengths.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}

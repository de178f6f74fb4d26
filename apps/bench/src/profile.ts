import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A V8 CPU profile (`node --cpu-prof`) summed up for the bench's output: where a process spent its
 * busy time, by group (the app's own code by library, each dependency, Node's internals, garbage
 * collection, native work such as socket writes). Samples are wall-clock ticks of the busy thread,
 * so on a loaded machine a system call that was descheduled weighs more than the CPU it used; the
 * per-process CPU seconds the bench prints beside it are the measure, this is the split.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The group a frame's time counts to. */
function groupOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (!url)
    return functionName === 'writeBuffer' || functionName === 'writev' || /^write/.test(functionName)
      ? 'native: socket and file writes'
      : 'native: other';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1];
  const own = /\/dist\/(apps|libs)\/([^/]+)\//.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  if (/^node:internal\/(modules|deps\/cjs-module-lexer)/.test(url)) return 'node: loading modules (start-up)';
  if (url.startsWith('node:')) return 'node: streams, sockets, http, timers';
  return 'other';
}

/** Busy milliseconds by group, largest first; idle and the profiler's own ticks left out. */
export function summariseProfile(profile: CpuProfile): { busyMs: number; groups: [string, number][] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const groups = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node || ['(idle)', '(program)', '(root)'].includes(node.callFrame.functionName)) return;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    busy += ms;
    const group = groupOf(node);
    groups.set(group, (groups.get(group) ?? 0) + ms);
  });
  return { busyMs: busy, groups: [...groups].sort((a, b) => b[1] - a[1]) };
}

/** The newest profile written into `dir` by the process with `pid` (CPU.<date>.<time>.<pid>.…). */
export function profileOf(dir: string, pid: number | undefined): CpuProfile | null {
  if (pid === undefined) return null;
  const name = readdirSync(dir)
    .filter((file) => file.endsWith('.cpuprofile') && file.split('.')[3] === String(pid))
    .sort()
    .pop();
  return name ? (JSON.parse(readFileSync(join(dir, name), 'utf8')) as CpuProfile) : null;
}

/** Lines for the bench's output: each group's share of the busy time, down to `min` percent. */
export function profileLines(title: string, profile: CpuProfile, min = 2): string[] {
  const { busyMs, groups } = summariseProfile(profile);
  const shown = groups.filter(([, ms]) => (100 * ms) / busyMs >= min);
  return [
    `${title}: ${(busyMs / 1000).toFixed(1)} s busy`,
    ...shown.map(([group, ms]) => `  ${((100 * ms) / busyMs).toFixed(1).padStart(5)}%  ${group}`),
  ];
}

import { named, useNames } from '../../components/names';
import { useLang } from '../../i18n';

interface GraphStep {
  key: string;
  matterName: string;
  departmentCode: string;
  dependsOn: string[];
}

const W = 248;
const H = 52;
const GAP_X = 64;
const GAP_Y = 20;
const LABEL = 28; // room above a column for its 并联 mark

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * The item's steps as a dependency graph, left to right: a step stands one column after the last
 * step it depends on, so steps that run in parallel (并联审批) stand in one column.
 */
export function StepGraph({ steps }: { steps: GraphStep[] }) {
  const names = useNames();
  const [lang] = useLang();
  const level = new Map<string, number>();
  const depth = (key: string, seen = new Set<string>()): number => {
    if (level.has(key)) return level.get(key)!;
    if (seen.has(key)) return 0;
    seen.add(key);
    const step = steps.find((s) => s.key === key);
    const d = step && step.dependsOn.length ? Math.max(...step.dependsOn.map((k) => depth(k, seen))) + 1 : 0;
    level.set(key, d);
    return d;
  };
  steps.forEach((s) => depth(s.key));
  const columns: GraphStep[][] = [];
  for (const s of steps) (columns[level.get(s.key)!] ??= []).push(s);
  const tallest = Math.max(1, ...columns.map((c) => c.length));
  const height = tallest * (H + GAP_Y) + GAP_Y + LABEL;
  const width = columns.length * (W + GAP_X) + GAP_X;
  const position = new Map<string, { x: number; y: number }>();
  columns.forEach((column, c) => {
    const top = LABEL + (height - LABEL - column.length * (H + GAP_Y) + GAP_Y) / 2;
    column.forEach((s, r) => position.set(s.key, { x: GAP_X / 2 + c * (W + GAP_X), y: top + r * (H + GAP_Y) }));
  });
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      style={{ maxWidth: width, minHeight: 120 }}
      role="img"
      aria-label={steps.map((s) => `${s.key}${s.dependsOn.length ? ` ← ${s.dependsOn.join(',')}` : ''}`).join('; ')}
      data-testid="step-graph"
    >
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="10"
          refY="5"
          markerWidth="8"
          markerHeight="8"
          orient="auto-start-reverse"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#8c8c8c" />
        </marker>
      </defs>
      {columns.map((column, c) => {
        // Steps in one column run at the same time (并联审批): a dashed frame and a mark say so at a glance.
        if (column.length < 2) return null;
        const first = position.get(column[0].key)!;
        const x = first.x - 8;
        const y = first.y - 8;
        const h = column.length * (H + GAP_Y) - GAP_Y + 16;
        return (
          <g key={`parallel-${c}`} data-testid={`parallel-${c}`}>
            <rect x={x} y={y} width={W + 16} height={h} rx={8} fill="none" stroke="#1677ff" strokeDasharray="6 4" />
            <text x={x + 4} y={y - 8} fontSize={12} fill="#1677ff">
              {lang === 'zh-CN'
                ? `并联审批 · ${column.length} 个环节同时办理`
                : `In parallel · ${column.length} steps at once`}
            </text>
          </g>
        );
      })}
      {steps.flatMap((s) =>
        s.dependsOn.map((d) => {
          const from = position.get(d);
          const to = position.get(s.key);
          if (!from || !to) return null;
          return (
            <path
              key={`${d}-${s.key}`}
              d={`M ${from.x + W} ${from.y + H / 2} C ${from.x + W + GAP_X / 2} ${from.y + H / 2}, ${to.x - GAP_X / 2} ${to.y + H / 2}, ${to.x} ${to.y + H / 2}`}
              fill="none"
              stroke="#8c8c8c"
              markerEnd="url(#arrow)"
            />
          );
        }),
      )}
      {steps.map((s) => {
        const p = position.get(s.key)!;
        return (
          <g key={s.key} data-testid={`graph-step-${s.key}`} data-column={level.get(s.key)}>
            <title>{`${s.matterName} · ${s.key} · ${named(names.departments, s.departmentCode)}`}</title>
            <rect x={p.x} y={p.y} width={W} height={H} rx={6} fill="#fff1f0" stroke="#c7000b" />
            <text x={p.x + 8} y={p.y + 20} fontSize={13} fontWeight={600}>
              {s.matterName.length > 17 ? `${s.matterName.slice(0, 17)}…` : s.matterName}
            </text>
            <text x={p.x + 8} y={p.y + 40} fontSize={11} fill="#595959">
              {clip(`${s.key} · ${named(names.departments, s.departmentCode)}`, 30)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

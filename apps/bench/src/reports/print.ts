/** The bench's output: one line at a time on stdout. */
export const say = (line: string) => process.stdout.write(`${line}\n`);

/** One report's timing: its name, the period it covered, the median in milliseconds. */
export type Timing = [string, string, number];

/** The timings as a table, each over the goal of 500 ms marked, and how many met it. */
export function printTimings(results: readonly Timing[]): void {
  for (const [name, label, ms] of results)
    say(
      `  ${name.padEnd(28)} ${label.padEnd(6)} ${ms.toFixed(1).padStart(8)} ms${ms >= 500 ? '  (over the goal)' : ''}`,
    );
  const over = results.filter(([, , ms]) => ms >= 500).length;
  say(`${results.length - over} of ${results.length} under 500 ms`);
}

/** One report checked against the slow scan: whether its rows are identical, and what the scan cost. */
export function printCheck(groupBy: string, label: string, same: boolean, slowMs: number, rows: number): void {
  say(
    `  turnaround by ${groupBy.padEnd(10)} ${label.padEnd(6)} ${same ? 'identical' : 'DIFFERENT'} (slow scan ${slowMs.toFixed(0)} ms, ${rows} rows)`,
  );
}

/** The verdict of the checks. */
export function printChecked(mismatches: number): void {
  say(
    mismatches === 0
      ? 'every checked figure is identical to the slow scan'
      : `${mismatches} reports differ from the slow scan`,
  );
}

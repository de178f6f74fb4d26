import autocannon from 'autocannon';

/**
 * A fixed overall rate with autocannon, spread over the second. Its `overallRate` gives each
 * connection its share of the rate and sends it at the start of every second (counted from the
 * instance's start), so one instance loads the server in one wave a second: how long a relay that
 * runs every second leaves a row waiting would then hang on where the waves fall between its runs.
 * Here `WAVES` instances, started 1/`WAVES` s apart, each take their share of the rate and of the
 * connections: a wave every 200 ms.
 */
export const WAVES = 5;

/** The figures of every instance added up. */
interface PacedResult {
  ok: number;
  /** Non-2xx answers, connection errors and timeouts. */
  failed: number;
}

/** `n` dealt over `k` parts: the i-th part's share, the first ones one more when it does not divide. */
const shareOf = (n: number, k: number, i: number) => Math.floor(n / k) + (i < n % k ? 1 : 0);

export function paced(
  options: Omit<autocannon.Options, 'overallRate' | 'connections'>,
  rate: number,
  connections: number,
  onResponse: (status: number, responseTime: number) => void,
): { done: Promise<PacedResult>; stop(): void } {
  const waves = Math.max(1, Math.min(WAVES, rate, connections));
  const instances: autocannon.Instance[] = [];
  /** The instances not started yet, each cancelled by its function. */
  const waiting = new Map<number, () => void>();
  const runs = Array.from(
    { length: waves },
    (_, i) =>
      new Promise<autocannon.Result | null>((resolve, reject) => {
        const start = () => {
          waiting.delete(i);
          const instance = autocannon(
            {
              ...options,
              overallRate: shareOf(rate, waves, i),
              connections: shareOf(connections, waves, i),
              // The latencies are taken per answer (onResponse); autocannon's correction for a set
              // rate would add synthetic ones at a 1 ms interval.
              ignoreCoordinatedOmission: true,
            },
            (error: unknown, result) => {
              if (error) reject(error instanceof Error ? error : new Error(String(error)));
              else resolve(result);
            },
          );
          instance.on('response', (_client, status, _bytes, responseTime) => onResponse(status, responseTime));
          instances.push(instance);
        };
        const timer = setTimeout(start, (i * 1000) / waves);
        waiting.set(i, () => {
          clearTimeout(timer);
          resolve(null);
        });
      }),
  );
  const stop = () => {
    for (const cancel of waiting.values()) cancel();
    waiting.clear();
    for (const instance of instances) instance.stop();
  };
  return {
    // One instance failing stops the others.
    done: Promise.all(runs).then(
      (results) =>
        results.reduce<PacedResult>(
          (sum, r) => (r ? { ok: sum.ok + r['2xx'], failed: sum.failed + r.non2xx + r.errors + r.timeouts } : sum),
          { ok: 0, failed: 0 },
        ),
      (error: unknown) => {
        stop();
        throw error;
      },
    ),
    stop,
  };
}

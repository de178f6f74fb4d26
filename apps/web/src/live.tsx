import { Badge, Tooltip } from 'antd';
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from 'react';
import { getToken } from './api/client';
import { useT } from './i18n';

/**
 * Live updates (docs/api.md, "Live updates"): one stream per signed-in session of
 * GET /api/v1/events/stream, read with fetch so the token goes in the Authorization header (an
 * EventSource cannot send one, and a token never goes in a URL). Each notice names a request and what
 * happened to it; a page that shows it loads it again. After a reconnection every listener hears a
 * `live.resync`: notices sent while the stream was down are lost, so the pages load again.
 */
export interface LiveNotice {
  type: string;
  requestId: string;
  stepKey?: string;
  at: string;
}

export type LiveState = 'connecting' | 'open' | 'closed';
type Listener = (notice: LiveNotice) => void;

interface Live {
  state: LiveState;
  subscribe: (listener: Listener) => () => void;
}

const LiveContext = createContext<Live>({ state: 'closed', subscribe: () => () => undefined });

/** Splits the stream's text into its events (blank-line separated); the rest waits for more text. */
function events(text: string): { blocks: string[]; rest: string } {
  const parts = text.replace(/\r\n?/g, '\n').split('\n\n');
  return { blocks: parts.slice(0, -1), rest: parts[parts.length - 1] };
}

/** Connects while `signedIn`, again after a loss with a growing wait (1 s up to 30 s). */
export function LiveProvider({ signedIn, children }: { signedIn: boolean; children: ReactNode }) {
  const [state, setState] = useState<LiveState>('closed');
  const listeners = useRef(new Set<Listener>());
  const [live] = useState<Omit<Live, 'state'>>(() => ({
    subscribe: (listener) => {
      listeners.current.add(listener);
      return () => listeners.current.delete(listener);
    },
  }));

  useEffect(() => {
    if (!signedIn) return;
    const stop = new AbortController();
    const emit = (notice: LiveNotice) => listeners.current.forEach((listener) => listener(notice));
    let failures = 0;
    let openedBefore = false;
    const wait = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        stop.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });

    async function readOnce(): Promise<'again' | 'stop'> {
      const token = getToken();
      if (!token) return 'stop';
      setState('connecting');
      const res = await fetch('/api/v1/events/stream', {
        headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
        signal: stop.signal,
        cache: 'no-store',
      });
      // Signed out or not allowed: no point in asking again.
      if (res.status === 401 || res.status === 403) return 'stop';
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return 'again';
        const { blocks, rest } = events(buffered + value);
        buffered = rest;
        for (const block of blocks) {
          const lines = block.split('\n');
          const event =
            lines
              .find((l) => l.startsWith('event:'))
              ?.slice(6)
              .trim() ?? 'message';
          const data = lines
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).replace(/^ /, ''))
            .join('\n');
          if (event === 'ready') {
            failures = 0;
            setState('open');
            if (openedBefore) emit({ type: 'live.resync', requestId: '', at: new Date().toISOString() });
            openedBefore = true;
          } else if (event === 'message' && data) {
            try {
              emit(JSON.parse(data) as LiveNotice);
            } catch {
              // Not a notice: ignored.
            }
          }
        }
      }
    }

    void (async () => {
      while (!stop.signal.aborted) {
        let next: 'again' | 'stop' = 'again';
        try {
          next = await readOnce();
        } catch {
          failures += 1;
        }
        if (stop.signal.aborted || next === 'stop') break;
        setState('connecting');
        await wait(failures === 0 ? 1000 : Math.min(30_000, 1000 * 2 ** failures));
      }
      setState('closed');
    })();
    return () => stop.abort();
  }, [signedIn]);

  return <LiveContext.Provider value={{ state, subscribe: live.subscribe }}>{children}</LiveContext.Provider>;
}

/** Calls `onNotice` (the latest one given) for every notice while the component is shown. */
export function useLive(onNotice: Listener): LiveState {
  const { state, subscribe } = useContext(LiveContext);
  const latest = useRef(onNotice);
  useEffect(() => {
    latest.current = onNotice;
  });
  useEffect(() => subscribe((notice) => latest.current(notice)), [subscribe]);
  return state;
}

/**
 * Loads the page again when a notice it cares about comes (all of them unless `about` says), once
 * for a burst: one change sends several notices.
 */
export function useLiveReload(reload: () => void, about: (notice: LiveNotice) => boolean = () => true): LiveState {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return useLive((notice) => {
    if (notice.type !== 'live.resync' && !about(notice)) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(reload, 250);
  });
}

/** A small mark beside a page's title: the page follows changes as they happen, or it does not right now. */
export function LiveMark({ state }: { state: LiveState }) {
  const t = useT();
  const open = state === 'open';
  return (
    <Tooltip title={t(open ? 'live.on.hint' : 'live.off.hint')}>
      <Badge
        status={open ? 'processing' : 'default'}
        text={t(open ? 'live.on' : 'live.off')}
        data-testid="live-mark"
        data-state={state}
      />
    </Tooltip>
  );
}

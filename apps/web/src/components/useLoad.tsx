import { Alert } from 'antd';
import { type DependencyList, type ReactNode, useCallback, useEffect, useState } from 'react';
import { ApiError, errorText } from '../api/client';

/** Loads once per change of `deps`; `reload` loads again; the error is an Alert in the person's words. */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [failure, setFailure] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    setLoading(true);
    run()
      .then((value) => {
        if (!live) return;
        setData(value);
        setFailure(null);
      })
      .catch((e: unknown) => live && setFailure(e))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [run, tick]);
  const error: ReactNode = failure ? (
    <Alert type="error" showIcon title={errorText(failure)} style={{ marginBottom: 16 }} data-testid="load-error" />
  ) : null;
  const status = failure instanceof ApiError ? failure.status : null;
  return { data, loading, error, status, reload: () => setTick((n) => n + 1) };
}

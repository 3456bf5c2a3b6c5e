import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiFailure } from '../api/api-client';

export interface Loaded<Data> {
  data?: Data;
  error?: ApiFailure;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change (and every `refreshMs`, if given); keeps the last data while reloading. */
export function useLoad<Data>(load: () => Promise<Data>, deps: unknown[], refreshMs?: number): Loaded<Data> {
  const [state, setState] = useState<{ data?: Data; error?: ApiFailure; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let cancelled = false;
    setState((previous) => ({ ...previous, loading: true }));
    loadRef.current().then(
      (data) => !cancelled && setState({ data, loading: false }),
      (error: unknown) =>
        !cancelled &&
        setState((previous) => ({
          data: previous.data,
          loading: false,
          error: error instanceof ApiFailure ? error : new ApiFailure(0, 'internal', (error as Error).message),
        })),
    );
    return () => {
      cancelled = true;
    };
  }, [...deps, generation]);

  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(() => setGeneration((value) => value + 1), refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { ...state, reload };
}

/** The current time, ticking every `intervalMs`. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

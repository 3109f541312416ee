/**
 * Loads something from the API for a component: a loading, an error or a ready state, a reload,
 * and the request aborted when the component unmounts or asks for something else.
 */
import { useCallback, useEffect, useState } from 'react';
import { type ApiError, asApiError } from '../api';

export type Loadable<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly error: ApiError }
  | { readonly status: 'ready'; readonly data: T };

export interface ApiState<T> {
  readonly state: Loadable<T>;
  /** A load is under way while older data is still shown (a reload, or keepPrevious). */
  readonly refreshing: boolean;
  readonly reload: () => void;
}

interface Settled<T> {
  readonly load: (signal: AbortSignal) => Promise<T>;
  readonly generation: number;
  readonly revision: string;
  readonly value: Loadable<T>;
}

/**
 * `load` must be stable (wrap it in useCallback): a new function is a new request, and so is a new
 * `revision` (e.g. the time the thing was last updated, as another response says). A reload keeps
 * showing the data it replaces; so does a new `load` with `keepPrevious` (filters being typed).
 *
 * @example
 * const load = useCallback((signal: AbortSignal) => getFleet(filters, signal), [filters]);
 * const { state, reload } = useApi(load);
 */
export function useApi<T>(
  load: ((signal: AbortSignal) => Promise<T>) | null,
  options: { keepPrevious?: boolean; revision?: string } = {},
): ApiState<T> {
  const revision = options.revision ?? '';
  const [generation, setGeneration] = useState(0);
  // The state records what it answers, so a stale answer is told apart during render without
  // resetting state in the effect.
  const [settled, setSettled] = useState<Settled<T> | null>(null);

  useEffect(() => {
    if (load === null) return;
    const controller = new AbortController();
    load(controller.signal).then(
      (data) => {
        setSettled({ load, generation, revision, value: { status: 'ready', data } });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setSettled({ load, generation, revision, value: { status: 'error', error: asApiError(error) } });
      },
    );
    return () => {
      controller.abort();
    };
  }, [load, generation, revision]);

  const reload = useCallback(() => {
    setGeneration((n) => n + 1);
  }, []);

  if (load === null || settled === null) return { state: { status: 'loading' }, refreshing: false, reload };
  const current = settled.load === load && settled.generation === generation && settled.revision === revision;
  if (current) return { state: settled.value, refreshing: false, reload };
  const keep = settled.value.status === 'ready' && (settled.load === load || options.keepPrevious === true);
  return keep
    ? { state: settled.value, refreshing: true, reload }
    : { state: { status: 'loading' }, refreshing: false, reload };
}

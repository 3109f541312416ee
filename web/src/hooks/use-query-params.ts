/**
 * A page's filters kept in the URL's query string, so a view can be shared and survives a reload.
 * Setting a parameter to its default (null or '') removes it, which keeps shared links short.
 */
import { useCallback } from 'react';
import { useSearchParams } from 'wouter';

export type QueryChanges = Readonly<Record<string, string | null>>;

export function useQueryParams(): [URLSearchParams, (changes: QueryChanges) => void] {
  const [params, setParams] = useSearchParams();
  const update = useCallback(
    (changes: QueryChanges) => {
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [name, value] of Object.entries(changes)) {
            if (value === null || value === '') next.delete(name);
            else next.set(name, value);
          }
          return next;
        },
        // Filters change the view, not the place: Back leaves the page rather than undoing a keystroke.
        { replace: true },
      );
    },
    [setParams],
  );
  return [params, update];
}

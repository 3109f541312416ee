/**
 * Runs a function a moment after the last call, e.g. to put a search box's text in the URL (and
 * ask the server) once typing pauses rather than on every keystroke.
 */
import { useEffect, useRef } from 'react';

export function useDebounced<A extends unknown[]>(
  run: (...args: A) => void,
  delayMs = 300,
): (...args: A) => void {
  const timer = useRef<number | undefined>(undefined);
  useEffect(
    () => () => {
      window.clearTimeout(timer.current);
    },
    [],
  );
  return (...args: A) => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      run(...args);
    }, delayMs);
  };
}

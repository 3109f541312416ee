/**
 * The current time for ages ("3 min ago"), from one clock shared by every component that shows
 * one: a single timer, and render stays pure (no Date.now() while rendering).
 */
import { useSyncExternalStore } from 'react';

const TICK_MS = 5_000;

let now = Date.now();
let timer: number | undefined;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    now = Date.now();
    timer = window.setInterval(() => {
      now = Date.now();
      for (const notify of listeners) notify();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      window.clearInterval(timer);
      timer = undefined;
    }
  };
}

function snapshot(): number {
  return now;
}

export function useNow(): number {
  return useSyncExternalStore(subscribe, snapshot);
}

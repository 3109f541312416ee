/**
 * At most `width` tasks at once, started in the order they were given. A sweep reads hundreds of
 * services per target for hundreds of targets; started all at once, every request would be
 * serialised and held while it waits for its rate-limit token (gigabytes at 400 targets). A few
 * lanes per target keep its rate busy and the rest unstarted.
 */
export function lanes(width: number): <T>(task: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`lanes: width ${width}`);
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= width) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      release();
    }
  };
}

/** Lanes per target (and per region for the defaults): enough to keep 10 calls a second busy at a few hundred ms each. */
export const LANES_PER_TARGET = 8;

import { describe, expect, it } from 'vitest';
import { lanes } from './lanes.js';

describe('lanes', () => {
  it('runs at most the width at once, in the order given, and passes results and errors through', async () => {
    const lane = lanes(3);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        lane(async () => {
          started.push(i);
          running++;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 2));
          running--;
          if (i === 4) throw new Error('four');
          return i * 10;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(results[4]).toMatchObject({ status: 'rejected', reason: new Error('four') });
    expect(results[9]).toEqual({ status: 'fulfilled', value: 90 });
  });

  it('rejects a width below one', () => {
    expect(() => lanes(0)).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_COLUMNS, type ProgressStream, createProgress, formatDuration } from './progress.js';

const CLEAR = '\r\x1b[2K';

/** A stream that records every write, with a terminal's isTTY and columns when asked for. */
function fakeStream(tty: { isTTY?: boolean; columns?: number } = {}): ProgressStream & { writes: string[] } {
  const writes: string[] = [];
  return {
    ...tty,
    writes,
    write(chunk: string) {
      writes.push(chunk);
      return true;
    },
  };
}

/** A clock the test moves by hand, in milliseconds. */
function fakeClock(start = 5_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** The bar line as last drawn: the last write, without its clear-line prefix. */
function lastFrame(stream: { writes: string[] }): string {
  const last = stream.writes.at(-1) ?? '';
  expect(last.startsWith(CLEAR)).toBe(true);
  return last.slice(CLEAR.length);
}

/**
 * What a terminal shows after `output`: handles '\r', '\n' and erase-line, the only controls the
 * bar may use; any other escape fails the test.
 */
function screen(output: string): string[] {
  const rows: string[][] = [[]];
  let col = 0;
  const points = Array.from(output);
  for (let i = 0; i < points.length; i++) {
    const c = points[i] ?? '';
    const row = rows[rows.length - 1] ?? [];
    if (c === '\x1b') {
      expect(points.slice(i, i + 4).join('')).toBe('\x1b[2K');
      row.length = 0;
      i += 3;
    } else if (c === '\r') col = 0;
    else if (c === '\n') {
      rows.push([]);
      col = 0;
    } else {
      while (row.length < col) row.push(' ');
      row[col++] = c;
    }
  }
  return rows.map((row) => row.join('').trimEnd());
}

/** A progress bar on a fake 80-column terminal and clock. */
function ttyProgress(total = 400, columns: number | undefined = 80) {
  const stream = fakeStream({ isTTY: true, columns });
  const clock = fakeClock();
  const progress = createProgress({ stream, label: 'collect', total, now: clock.now });
  return { stream, clock, progress };
}

describe('createProgress on a terminal', () => {
  it('draws the empty bar at once', () => {
    const { stream } = ttyProgress();
    expect(stream.writes).toEqual([`${CLEAR}collect [░░░░░░░░░░] 0/400 0% 00:00 eta --:--`]);
  });

  it.each<[string, number, number, string | undefined, string]>([
    [
      'halfway',
      200,
      10_000,
      'ec2 us-east-1',
      'collect [█████░░░░░] 200/400 50% 00:10 eta 00:10 ec2 us-east-1',
    ],
    [
      'a quarter, ETA from the rate so far',
      100,
      12_000,
      undefined,
      'collect [███░░░░░░░] 100/400 25% 00:12 eta 00:36',
    ],
    [
      'ETA rounded up to the second',
      123,
      12_000,
      undefined,
      'collect [███░░░░░░░] 123/400 30% 00:12 eta 00:28',
    ],
    [
      'one short of done: not 100%',
      399,
      60_000,
      undefined,
      'collect [█████████░] 399/400 99% 01:00 eta 00:01',
    ],
    ['done', 400, 61_000, undefined, 'collect [██████████] 400/400 100% 01:01 eta 00:00'],
    ['past the total', 410, 61_000, undefined, 'collect [██████████] 410/400 102% 01:01 eta 00:00'],
    ['over an hour', 200, 3_723_000, undefined, 'collect [█████░░░░░] 200/400 50% 1:02:03 eta 1:02:03'],
  ])(
    'shows label, bar, count, percent, elapsed, ETA and detail: %s',
    (_case, count, elapsed, detail, expected) => {
      const { stream, clock, progress } = ttyProgress();
      clock.advance(elapsed);
      progress.tick(count, detail);
      expect(lastFrame(stream)).toBe(expected);
    },
  );

  describe('throttling', () => {
    it.each<[string, number[], number[]]>([
      ['ticks 10 ms apart: every 100 ms', [10, 20, 50, 99, 100, 110, 199, 200], [100, 200]],
      ['ticks 150 ms apart: every tick', [150, 300, 450], [150, 300, 450]],
      ['a burst at one instant: none', [0, 0, 0, 0], []],
      ['gaps measured from the last redraw, not the last tick', [60, 120, 180, 240], [120, 240]],
    ])('redraws at most every 100 ms, %s', (_case, tickTimes, drawTimes) => {
      const { stream, clock, progress } = ttyProgress(1_000);
      const drawnAt: number[] = [];
      let at = 0;
      for (const t of tickTimes) {
        clock.advance(t - at);
        at = t;
        const before = stream.writes.length;
        progress.tick();
        if (stream.writes.length > before) drawnAt.push(t);
      }
      expect(drawnAt).toEqual(drawTimes);
      expect(stream.writes).toHaveLength(1 + drawTimes.length);
    });

    it('shows the latest count when it next redraws', () => {
      const { stream, clock, progress } = ttyProgress(1_000);
      for (let i = 0; i < 7; i++) progress.tick();
      clock.advance(100);
      progress.tick(2);
      expect(lastFrame(stream)).toMatch(/ 9\/1000 /);
    });

    it('always draws the tick that reaches the total', () => {
      const { stream, clock, progress } = ttyProgress(3);
      clock.advance(100);
      progress.tick(2);
      clock.advance(1);
      progress.tick();
      expect(stream.writes).toHaveLength(3);
      expect(lastFrame(stream)).toMatch(/ 3\/3 100% /);
      clock.advance(1);
      progress.tick();
      expect(stream.writes).toHaveLength(3);
    });

    it('throttles setTotal like a tick', () => {
      const { stream, clock, progress } = ttyProgress(10);
      progress.setTotal(20);
      expect(stream.writes).toHaveLength(1);
      clock.advance(100);
      progress.setTotal(30);
      expect(lastFrame(stream)).toMatch(/ 0\/30 0% /);
    });
  });

  describe('fitting the line to the terminal', () => {
    // 200/400 after 10 s, detail 'ec2 us-east-1'. One column is left free so the line never wraps.
    it.each<[number, string]>([
      [80, 'collect [█████░░░░░] 200/400 50% 00:10 eta 00:10 ec2 us-east-1'],
      [60, 'collect [█████░░░░░] 200/400 50% 00:10 eta 00:10 ec2 us-ea…'],
      [50, 'collect [█████░░░░░] 200/400 50% 00:10 eta 00:10'],
      [45, 'collect [█████░░░░░] 200/400 50% 00:10 ec2 …'],
      [38, 'collect [█████░░░░░] 200/400 50% ec2…'],
      [37, 'collect [█████░░░░░] 200/400 50%'], // a detail gets 4 columns or none
      [25, 'collect 200/400 50% ec2…'],
      [17, 'collect 200/400'],
      [10, 'collect …'],
      [2, '…'],
    ])('at %i columns: %j', (columns, expected) => {
      const { stream, clock, progress } = ttyProgress(400, columns);
      clock.advance(10_000);
      progress.tick(200, 'ec2 us-east-1');
      const frame = lastFrame(stream);
      expect(frame).toBe(expected);
      expect(Array.from(frame).length).toBeLessThan(columns);
    });

    it.each<[string, number | undefined]>([
      ['unknown', undefined],
      ['reported as 0', 0],
    ])('assumes 80 columns when the width is %s', (_case, columns) => {
      const { stream, clock, progress } = ttyProgress(400, columns);
      clock.advance(10_000);
      progress.tick(200, 'x'.repeat(200));
      expect(Array.from(lastFrame(stream))).toHaveLength(DEFAULT_COLUMNS - 1);
    });

    it('follows a resize at the next redraw', () => {
      const { stream, clock, progress } = ttyProgress(400, 80);
      stream.columns = 30;
      clock.advance(100);
      progress.tick();
      expect(Array.from(lastFrame(stream)).length).toBeLessThan(30);
    });
  });

  it.each<[string, string, string]>([
    ['a line break', 'ec2\nus-east-1', 'ec2 us-east-1'],
    ['an escape', 'ec2\x1b[2J', 'ec2\uFFFD[2J'],
  ])('keeps %s in a detail from breaking the line', (_case, detail, shown) => {
    const { stream, clock, progress } = ttyProgress();
    clock.advance(100);
    progress.tick(1, detail);
    expect(lastFrame(stream).endsWith(` ${shown}`)).toBe(true);
  });

  it('drops the detail at a tick that gives none', () => {
    const { stream, clock, progress } = ttyProgress();
    clock.advance(100);
    progress.tick(1, 'ec2');
    clock.advance(100);
    progress.tick();
    expect(lastFrame(stream)).toBe('collect [█░░░░░░░░░] 2/400 0% 00:00 eta 00:40');
  });

  it('shows a count alone while the total is 0 (not known), and percent once it is set', () => {
    const { stream, clock, progress } = ttyProgress(0);
    expect(lastFrame(stream)).toBe('collect 0 00:00');
    clock.advance(100);
    progress.tick(5);
    expect(lastFrame(stream)).toBe('collect 5 00:00');
    clock.advance(100);
    progress.setTotal(20);
    expect(lastFrame(stream)).toBe('collect [███░░░░░░░] 5/20 25% 00:00 eta 00:01');
  });

  it('prints log lines above the bar and draws the bar again below them', () => {
    const { stream, clock, progress } = ttyProgress(4);
    clock.advance(100);
    progress.tick();
    progress.log('warning: ec2 in eu-west-1 throttled, retrying');
    progress.log('skipped account 111111111111: access denied');
    clock.advance(100);
    progress.tick();
    expect(screen(stream.writes.join(''))).toEqual([
      'warning: ec2 in eu-west-1 throttled, retrying',
      'skipped account 111111111111: access denied',
      'collect [█████░░░░░] 2/4 50% 00:00 eta 00:01',
    ]);
  });

  it('redraws the bar after a log line even within the 100 ms', () => {
    const { stream, progress } = ttyProgress();
    progress.log('hello');
    expect(stream.writes).toEqual([
      `${CLEAR}collect [░░░░░░░░░░] 0/400 0% 00:00 eta --:--`,
      `${CLEAR}hello\n`,
      `${CLEAR}collect [░░░░░░░░░░] 0/400 0% 00:00 eta --:--`,
    ]);
  });

  it.each<[string, string | undefined, string[]]>([
    [
      'with a summary: only the summary remains',
      'collected 4 services in 00:03',
      ['collected 4 services in 00:03', ''],
    ],
    ['without one: nothing remains', undefined, ['']],
  ])('done clears the bar, %s', (_case, summary, shown) => {
    const { stream, progress } = ttyProgress();
    progress.tick(3);
    progress.done(summary);
    expect(screen(stream.writes.join(''))).toEqual(shown);
  });

  it('after done ignores ticks and prints logs without escapes', () => {
    const { stream, clock, progress } = ttyProgress();
    progress.done();
    const written = stream.writes.length;
    clock.advance(1_000);
    progress.tick();
    progress.setTotal(10);
    expect(stream.writes).toHaveLength(written);
    progress.log('late line');
    progress.done('again');
    expect(stream.writes.slice(written)).toEqual(['late line\n', 'again\n']);
  });
});

describe('createProgress off a terminal', () => {
  it.each<[string, boolean | undefined]>([
    ['isTTY false', false],
    ['isTTY missing', undefined],
  ])('writes only log lines and the summary, with no escape codes or \\r (%s)', (_case, isTTY) => {
    const stream = fakeStream(isTTY === undefined ? { columns: 80 } : { isTTY, columns: 80 });
    const clock = fakeClock();
    const progress = createProgress({ stream, label: 'collect', total: 3, now: clock.now });
    for (let i = 0; i < 3; i++) {
      clock.advance(500);
      progress.tick(1, `region ${i}`);
      progress.setTotal(3);
    }
    progress.log('skipped account 111111111111: access denied');
    progress.done('collected 3 regions');
    const output = stream.writes.join('');
    expect(output).toBe('skipped account 111111111111: access denied\ncollected 3 regions\n');
    expect(output).not.toContain('\x1b');
    expect(output).not.toContain('\r');
  });

  it('writes nothing at all when done has no summary', () => {
    const stream = fakeStream({ isTTY: false });
    const progress = createProgress({ stream, label: 'collect', total: 3 });
    progress.tick(3);
    progress.done();
    expect(stream.writes).toEqual([]);
  });
});

describe('createProgress arguments', () => {
  it.each<[string, number]>([
    ['a negative total', -1],
    ['a NaN total', Number.NaN],
    ['an infinite total', Number.POSITIVE_INFINITY],
  ])('rejects %s', (_case, total) => {
    expect(() => createProgress({ stream: fakeStream(), label: 'x', total })).toThrow(RangeError);
    const progress = createProgress({ stream: fakeStream(), label: 'x', total: 1 });
    expect(() => {
      progress.setTotal(total);
    }).toThrow(RangeError);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('rejects a tick of %s', (delta) => {
    const progress = createProgress({ stream: fakeStream(), label: 'x', total: 1 });
    expect(() => {
      progress.tick(delta);
    }).toThrow(RangeError);
  });
});

describe('formatDuration', () => {
  it.each<[number, string]>([
    [0, '00:00'],
    [999, '00:00'],
    [1_000, '00:01'],
    [12_000, '00:12'],
    [59_999, '00:59'],
    [60_000, '01:00'],
    [3_599_999, '59:59'],
    [3_600_000, '1:00:00'],
    [3_723_000, '1:02:03'],
    [36_000_000, '10:00:00'],
    [360_000_000, '100:00:00'],
    [-5_000, '00:00'],
    [Number.NaN, '--:--'],
    [Number.POSITIVE_INFINITY, '--:--'],
  ])('formats %i ms as %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

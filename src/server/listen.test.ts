import { describe, expect, it } from 'vitest';
import { checkBind, isLoopback } from './listen.js';

describe('binding', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])('%s is loopback', (host) => {
    expect(isLoopback(host)).toBe(true);
    expect(() => {
      checkBind(host, false, 'serve.host');
    }).not.toThrow();
  });

  it.each(['0.0.0.0', '::', '10.1.2.3', 'metrics.example.internal'])(
    'refuses %s without allowRemote, naming where it came from',
    (host) => {
      expect(isLoopback(host)).toBe(false);
      expect(() => {
        checkBind(host, false, '--host');
      }).toThrow(
        expect.objectContaining({
          code: 'HR_SERVE_REMOTE_BIND',
          exitCode: 2,
          message: expect.stringMatching(
            new RegExp(`^--host ${host.replace(/\./g, '\\.')} is not a loopback address`),
          ) as string,
          hint: expect.stringContaining('serve.allowRemote: true') as string,
        }),
      );
      expect(() => {
        checkBind(host, true, '--host');
      }).not.toThrow();
    },
  );
});

/**
 * Serving the app on a real listener (@hono/node-server), loopback only unless allowed: `/metrics`
 * has no authentication yet, so headroom never listens on another address unasked.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import { EnvironmentError, InputError } from '../domain/errors.js';

/** Whether `host` names this machine's loopback only. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * Refuses a non-loopback `host` unless `allowRemote`; `field` names where the host came from
 * (`--host`, `serve.host`) in the one-line error.
 */
export function checkBind(host: string, allowRemote: boolean, field: string): void {
  if (isLoopback(host) || allowRemote) return;
  throw new InputError(
    'HR_SERVE_REMOTE_BIND',
    `${field} ${host} is not a loopback address, and /metrics has no authentication: anyone who reaches it reads every account's quotas`,
    {
      hint: 'listen on 127.0.0.1 (put a proxy with authentication in front), or set serve.allowRemote: true',
    },
  );
}

export interface Listener {
  /** `http://host:port`, the port the one bound (also when 0 was asked). */
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections and ends idle ones; resolves when the server has closed. */
  close(): Promise<void>;
}

/** Listens on host:port (0: a free port) and serves `app`. */
export async function listen(app: Hono, options: { host: string; port: number }): Promise<Listener> {
  const server = createAdaptorServer({ fetch: app.fetch, hostname: options.host }) as Server;
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new EnvironmentError(
              'HR_SERVE_PORT_IN_USE',
              `cannot listen on ${options.host}:${options.port}: the port is in use`,
              {
                hint: 'stop what holds it, or choose another with --port or serve.port (0 picks a free one)',
                cause: error,
              },
            )
          : new EnvironmentError(
              'HR_SERVE_LISTEN',
              `cannot listen on ${options.host}:${options.port}: ${error.message}`,
              {
                hint: 'check serve.host names an address of this machine',
                cause: error,
              },
            ),
      );
    };
    server.once('error', failed);
    server.listen(options.port, options.host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

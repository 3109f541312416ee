/**
 * Serving the app on a real listener (@hono/node-server). Whether an address may be listened on at
 * all is security.ts's `checkExposure`: loopback, or allowed and authenticated.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Env, Hono } from 'hono';
import { EnvironmentError } from '../domain/errors.js';

/** Whether `host` names this machine's loopback only. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

export interface Listener {
  /** `http://host:port`, the port the one bound (also when 0 was asked). */
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections and ends idle ones; resolves when the server has closed. */
  close(): Promise<void>;
}

/** Listens on host:port (0: a free port) and serves `app`. */
export async function listen<E extends Env>(
  app: Hono<E>,
  options: { host: string; port: number },
): Promise<Listener> {
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

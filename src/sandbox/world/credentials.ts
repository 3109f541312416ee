/**
 * Who is calling: the static keys of each account, and the temporary credentials STS AssumeRole
 * hands out. Expiry is judged on the wall clock, like signatures: moving the sandbox clock for a
 * request's lifecycle must not expire a client's session under it.
 */
import { identifier } from '../core/random.js';
import type { Account } from './accounts.js';

export interface Caller {
  readonly account: Account;
  readonly arn: string;
  readonly userId: string;
  readonly secretAccessKey: string;
  /** Required `X-Amz-Security-Token` for temporary credentials. */
  readonly sessionToken: string | undefined;
  /** Wall-clock expiry (epoch ms) of temporary credentials. */
  readonly expiresAt: number | undefined;
}

export interface RoleSession {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiresAt: number;
  readonly assumedRoleId: string;
  readonly arn: string;
}

export class Credentials {
  readonly #static = new Map<string, Caller>();
  readonly #sessions = new Map<string, Caller>();
  #issued = 0;

  readonly #seed: number;

  constructor(seed: number, accounts: readonly Account[]) {
    this.#seed = seed;
    for (const account of accounts) {
      this.#static.set(account.accessKeyId, {
        account,
        arn: `arn:aws:iam::${account.id}:user/sandbox-admin`,
        userId: `AIDA${identifier(17, 'upper', seed, 'user-id', account.id)}`,
        secretAccessKey: account.secretAccessKey,
        sessionToken: undefined,
        expiresAt: undefined,
      });
    }
  }

  lookup(accessKeyId: string): Caller | undefined {
    return this.#static.get(accessKeyId) ?? this.#sessions.get(accessKeyId);
  }

  /** Issues temporary credentials acting as `roleName` in `account`. */
  assumeRole(
    account: Account,
    rolePath: string,
    sessionName: string,
    durationSeconds: number,
    wallNow: number,
  ): RoleSession {
    const n = ++this.#issued;
    const accessKeyId = `ASIA${identifier(16, 'upper', this.#seed, 'session-key', n)}`;
    const secretAccessKey = identifier(40, 'mixed', this.#seed, 'session-secret', n);
    const sessionToken = identifier(356, 'mixed', this.#seed, 'session-token', n);
    const roleName = rolePath.split('/').pop() ?? rolePath;
    const roleId = `AROA${identifier(17, 'upper', this.#seed, 'role-id', account.id, rolePath)}`;
    const arn = `arn:aws:sts::${account.id}:assumed-role/${roleName}/${sessionName}`;
    // Sessions expire on a whole second, as the SDKs print and parse them.
    const expiresAt = Math.floor(wallNow / 1000) * 1000 + durationSeconds * 1000;
    this.#sessions.set(accessKeyId, {
      account,
      arn,
      userId: `${roleId}:${sessionName}`,
      secretAccessKey,
      sessionToken,
      expiresAt,
    });
    return {
      accessKeyId,
      secretAccessKey,
      sessionToken,
      expiresAt,
      assumedRoleId: `${roleId}:${sessionName}`,
      arn,
    };
  }

  /** Forgets every temporary credential (sandbox reset). */
  clearSessions(): void {
    this.#sessions.clear();
  }
}

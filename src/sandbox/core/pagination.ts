/**
 * Opaque, tamper-evident page tokens. A token carries the offset and a fingerprint of the
 * request it continues (operation, caller, filters); a token that was altered, or replayed with
 * other parameters, is rejected as AWS rejects it (InvalidPaginationTokenException, InvalidNextToken…).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { AwsError } from './errors.js';

export class PageTokens {
  readonly #secret: Buffer;

  constructor(secret: Buffer = randomBytes(32)) {
    this.#secret = secret;
  }

  #mac(payload: string): Buffer {
    return createHmac('sha256', this.#secret).update(payload).digest().subarray(0, 12);
  }

  #scopeDigest(scope: string): string {
    return createHmac('sha256', this.#secret).update(scope).digest('base64').slice(0, 16);
  }

  /**
   * A standard-base64 token (Service Quotas' pattern `^[a-zA-Z0-9/+]*={0,2}$`). `pinned` is a
   * number the continuation must reuse, e.g. the time the first page was computed at.
   */
  encode(scope: string, offset: number, pinned?: number): string {
    const payload = JSON.stringify({ o: offset, s: this.#scopeDigest(scope), p: pinned });
    return Buffer.concat([Buffer.from(payload), this.#mac(payload)]).toString('base64');
  }

  /** The offset a token points at, or undefined when it is not a token this sandbox gave for `scope`. */
  decode(token: string, scope: string): number | undefined {
    return this.decodeWithPin(token, scope)?.offset;
  }

  decodeWithPin(token: string, scope: string): { offset: number; pinned: number | undefined } | undefined {
    if (!/^[A-Za-z0-9/+]*={0,2}$/.test(token)) return undefined;
    const raw = Buffer.from(token, 'base64');
    if (raw.length <= 12) return undefined;
    const payload = raw.subarray(0, raw.length - 12).toString();
    if (!this.#mac(payload).equals(raw.subarray(raw.length - 12))) return undefined;
    try {
      const parsed = JSON.parse(payload) as { o?: unknown; s?: unknown; p?: unknown };
      if (
        parsed.s !== this.#scopeDigest(scope) ||
        typeof parsed.o !== 'number' ||
        !Number.isInteger(parsed.o) ||
        parsed.o < 0
      ) {
        return undefined;
      }
      return { offset: parsed.o, pinned: typeof parsed.p === 'number' ? parsed.p : undefined };
    } catch {
      return undefined;
    }
  }
}

export interface PageRequest {
  readonly tokens: PageTokens;
  /** Everything that must not change between pages: operation, account, region, filters. */
  readonly scope: string;
  readonly nextToken: string | undefined;
  readonly maxResults: number | undefined;
  /** The page size when MaxResults is absent. */
  readonly defaultSize: number;
  /** The sandbox's cap (`--page-size`), if any. */
  readonly cap: number | undefined;
  readonly invalidToken: () => AwsError;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken: string | undefined;
}

export function paginate<T>(items: readonly T[], request: PageRequest): Page<T> {
  let offset = 0;
  if (request.nextToken !== undefined) {
    const decoded = request.tokens.decode(request.nextToken, request.scope);
    if (decoded === undefined || decoded > items.length) throw request.invalidToken();
    offset = decoded;
  }
  const size = Math.min(request.maxResults ?? request.defaultSize, request.cap ?? Number.POSITIVE_INFINITY);
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    nextToken: end < items.length ? request.tokens.encode(request.scope, end) : undefined,
  };
}

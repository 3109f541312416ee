/**
 * The audit trail: every evaluation that changed something, every decision, action, approval and
 * notification, appended in order and never changed. Each entry carries the hash of the one
 * before it, so editing or deleting any entry breaks the chain from there on (`verifyChain`).
 */
import { createHash } from 'node:crypto';

export type AuditKind =
  'evaluation' | 'decision' | 'action' | 'approval' | 'notification' | 'rules' | 'event';

export const AUDIT_KINDS: readonly AuditKind[] = [
  'evaluation',
  'decision',
  'action',
  'approval',
  'notification',
  'rules',
  'event',
];

/** An entry as the engine writes it, before it has a place in the chain. */
export interface AuditInput {
  readonly at: Date;
  readonly kind: AuditKind;
  /** Who: `engine`, or the person who approved (operator or signed-in user). */
  readonly actor: string;
  /** What it is about: `ACCOUNT:REGION SERVICE/CODE`, an approval id, a channel. */
  readonly subject: string;
  /** One line a person can read. */
  readonly summary: string;
  /** The details, as JSON-safe data. */
  readonly data: Record<string, unknown>;
}

export interface AuditEntry extends AuditInput {
  /** Its place in the chain, from 1. */
  readonly seq: number;
  /** The hash of the entry before it (64 zeros for the first). */
  readonly prevHash: string;
  /** sha256 of the previous hash and this entry's canonical JSON. */
  readonly hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth: the same data always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The hash of an entry at `seq` after `prevHash`. */
export function entryHash(prevHash: string, seq: number, entry: AuditInput): string {
  const body = canonicalJson({
    seq,
    at: entry.at.toISOString(),
    kind: entry.kind,
    actor: entry.actor,
    subject: entry.subject,
    summary: entry.summary,
    data: entry.data,
  });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

/** The first break in a chain: the entry at fault and what is wrong with it. */
export interface ChainBreak {
  readonly seq: number;
  readonly problem: string;
}

/**
 * Checks entries (oldest first, as stored) link up from the genesis hash: each seq one more than
 * the last, each prevHash the hash before, each hash recomputed from its content. `head` is the
 * last seq and hash the store recorded separately, which catches entries cut from the end.
 */
export function verifyChain(
  entries: readonly AuditEntry[],
  head: { seq: number; hash: string } | null,
): ChainBreak | null {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const entry of entries) {
    if (entry.seq !== expectedSeq) {
      return {
        seq: expectedSeq,
        problem:
          entry.seq === expectedSeq + 1
            ? `entry ${expectedSeq} is missing (deleted)`
            : entry.seq > expectedSeq
              ? `entries ${expectedSeq}–${entry.seq - 1} are missing (deleted)`
              : `entry ${entry.seq} appears twice or out of order`,
      };
    }
    if (entry.prevHash !== prev) {
      return { seq: entry.seq, problem: `its previous hash does not match entry ${entry.seq - 1}` };
    }
    if (entryHash(prev, entry.seq, entry) !== entry.hash) {
      return { seq: entry.seq, problem: 'its content does not match its hash (edited)' };
    }
    prev = entry.hash;
    expectedSeq++;
  }
  const last = entries.at(-1);
  if (head !== null && (last?.seq ?? 0) !== head.seq) {
    return {
      seq: (last?.seq ?? 0) + 1,
      problem: `the trail ends at ${last?.seq ?? 0} but ${head.seq} entries were written (the last were deleted)`,
    };
  }
  if (head !== null && last !== undefined && last.hash !== head.hash) {
    return { seq: last.seq, problem: 'the last entry does not match the recorded head (edited)' };
  }
  return null;
}

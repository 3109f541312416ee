/**
 * Checking the audit trail: every entry read back in order, each hash recomputed from its content
 * and the one before, and the end checked against the head the store records apart from the log.
 * An edited entry, a deleted one, or entries cut from the end are each found, with the first
 * entry at fault.
 */
import { type ChainBreak, verifyChain } from '../domain/audit.js';
import type { Store } from '../storage/port.js';

export interface AuditVerdict {
  readonly ok: boolean;
  /** Entries read. */
  readonly entries: number;
  /** The last entry's seq and hash as the store recorded them (null when nothing was written). */
  readonly head: { readonly seq: number; readonly hash: string } | null;
  /** The first break, when the chain does not hold. */
  readonly break: ChainBreak | null;
}

export async function verifyAudit(store: Store): Promise<AuditVerdict> {
  // The head first: entries appended while the log is read come after it and are not judged.
  const head = await store.auditHead();
  const entries = (await store.auditEntries()).filter((e) => head === null || e.seq <= head.seq);
  const found = verifyChain(entries, head);
  return { ok: found === null, entries: entries.length, head, break: found };
}

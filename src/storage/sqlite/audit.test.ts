/**
 * The audit trail's chain (src/audit/verify.ts) against a real SQLite store: it verifies as
 * written, and an edited entry, a deleted one in the middle, or entries cut from the end are each
 * found. The store's triggers refuse edits and deletes, so each tamper drops them first, as
 * someone holding the file could.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuditInput, entryHash } from '../../domain/audit.js';
import { openSqliteStore, type SqliteStore } from './index.js';
import { verifyAudit } from '../../audit/verify.js';

let dir: string;
let file: string;
let store: SqliteStore;

function entry(n: number): AuditInput {
  return {
    at: new Date(Date.UTC(2026, 11, 3, 10, 0, n)),
    kind: n % 2 === 0 ? 'decision' : 'evaluation',
    actor: 'engine (test)',
    subject: `111111111111:us-east-1 ec2/L-${String(n).padStart(8, '0')}`,
    summary: `entry ${n}`,
    data: { n, nested: { b: [1, 2, { z: true, a: null }], a: 'x' } },
  };
}

/** Runs SQL on the store's file from outside headroom, guards dropped. */
function tamper(sql: string): void {
  const db = new Database(file);
  try {
    db.exec('drop trigger if exists audit_log_no_update; drop trigger if exists audit_log_no_delete;');
    db.exec(sql);
  } finally {
    db.close();
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'headroom-audit-'));
  file = join(dir, 'store.sqlite');
  store = await openSqliteStore(file);
  await store.appendAudit([entry(1), entry(2), entry(3)]);
  await store.appendAudit([entry(4), entry(5)]);
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('verifyAudit', () => {
  it('passes for the trail as written, across appends', async () => {
    const verdict = await verifyAudit(store);
    expect(verdict).toMatchObject({ ok: true, entries: 5, break: null });
    const entries = await store.auditEntries();
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[3]?.prevHash).toBe(entries[2]?.hash);
    expect(verdict.head).toEqual({ seq: 5, hash: entries[4]?.hash });
    // Data comes back as written, keys and all.
    expect(entries[0]?.data).toEqual(entry(1).data);
  });

  it('an empty trail is ok', async () => {
    const empty = await openSqliteStore(':memory:');
    try {
      expect(await verifyAudit(empty)).toEqual({ ok: true, entries: 0, head: null, break: null });
    } finally {
      await empty.close();
    }
  });

  it('the database refuses edits and deletes', async () => {
    const db = new Database(file);
    try {
      expect(() => db.exec("update audit_log set summary = 'x' where seq = 2")).toThrow(/append-only/);
      expect(() => db.exec('delete from audit_log where seq = 5')).toThrow(/append-only/);
    } finally {
      db.close();
    }
    expect((await verifyAudit(store)).ok).toBe(true);
  });

  it.each([
    ['the summary', "update audit_log set summary = 'nothing to see' where seq = 2"],
    ['the data', `update audit_log set data = '{"n":2}' where seq = 2`],
    ['the time', 'update audit_log set at = at + 1 where seq = 2'],
    ['the actor', "update audit_log set actor = 'someone else' where seq = 2"],
  ])('finds an edit of %s', async (_what, sql) => {
    tamper(sql);
    expect((await verifyAudit(store)).break).toEqual({
      seq: 2,
      problem: 'its content does not match its hash (edited)',
    });
  });

  it('finds an edit whose hash was recomputed: the next entry no longer links to it', async () => {
    const second = (await store.auditEntries())[1];
    if (!second) throw new Error('no entry 2');
    const forged = { ...second, summary: 'nothing to see' };
    const hash = entryHash(second.prevHash, 2, forged);
    tamper(`update audit_log set summary = 'nothing to see', hash = '${hash}' where seq = 2`);
    expect((await verifyAudit(store)).break).toEqual({
      seq: 3,
      problem: 'its previous hash does not match entry 2',
    });
  });

  it('finds a deleted entry in the middle', async () => {
    tamper('delete from audit_log where seq = 3');
    expect((await verifyAudit(store)).break).toEqual({ seq: 3, problem: 'entry 3 is missing (deleted)' });
  });

  it('finds several deleted entries', async () => {
    tamper('delete from audit_log where seq in (2, 3)');
    expect((await verifyAudit(store)).break).toEqual({
      seq: 2,
      problem: 'entries 2–3 are missing (deleted)',
    });
  });

  it('finds entries cut from the end against the recorded head', async () => {
    tamper('delete from audit_log where seq >= 4');
    expect((await verifyAudit(store)).break).toEqual({
      seq: 4,
      problem: 'the trail ends at 3 but 5 entries were written (the last were deleted)',
    });
  });

  it('keeps chaining after the store is reopened', async () => {
    await store.close();
    store = await openSqliteStore(file);
    await store.appendAudit([entry(6)]);
    expect(await verifyAudit(store)).toMatchObject({ ok: true, entries: 6 });
  });
});

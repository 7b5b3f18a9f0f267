/**
 * Intake: a file arrives for a client (dropped in its watch folder, imported, pulled from a sync
 * account) and becomes a document — once per client and SHA-256 — with what it is, its family, its
 * direction and, when it can be exported now, a queued delivery. The original is never changed: the
 * bytes are copied into the data folder's content store first.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { EngineSettings } from '../../shared/contract.ts';
import type { DocumentFamily } from '../connectors/types.ts';
import { sql, type Db } from '../store/database.ts';
import { commitBatched, durable } from '../store/group-commit.ts';
import { DEFAULT_ARCHIVE_LIMITS, readZip } from '../understanding/archive.ts';
import type { InspectOptions, InspectResult } from '../understanding/inspect.ts';
import { markTaken, type FileStamp } from './baseline.ts';
import type { ContentStore } from './content-store.ts';
import type { IntakeWorkers, Understood } from './intake-workers.ts';

export const MAX_DOCUMENT_BYTES = 100 * 1024 * 1024;

export interface IntakeContext {
  db: Db;
  store: ContentStore;
  settings: () => EngineSettings;
  now: () => Date;
  /**
   * Reads, understands and stores files off the main thread (the pool itself falls back to this
   * thread when no worker can run).
   */
  workers: IntakeWorkers;
  /** Tells the engine's listeners (UI, CLI) what happened. */
  onDocument?: (event: { clientId: string; documentId: number; name: string; outcome: IntakeOutcome['outcome'] }) => void;
}

export interface IntakeOutcome {
  name: string;
  outcome: 'added' | 'duplicate' | 'unreadable' | 'archive';
  documentId: number | null;
  /** Why the document waits instead of being delivered (review, not activated, baseline, …). */
  waiting: string | null;
  queued: number;
  /** False when Ledgerdrop could not tell what the file is (unreadable, or not a document it knows). */
  understood?: boolean;
  members?: IntakeOutcome[];
}

interface ClientRow {
  id: string;
  identifiers: string;
  connection_id: string | null;
  invoices_activated_at: string | null;
  statements_activated_at: string | null;
}

function familyOf(result: InspectResult): DocumentFamily | null {
  if (result.kind === 'bank-statement') return 'statements';
  if (result.kind === 'invoice' || result.kind === 'credit-note' || result.kind === 'pdf' || result.kind === 'image') return 'invoices';
  return null;
}

/** Why a document must wait for the user rather than be exported, or null when it can go. */
function reviewReason(result: InspectResult, settings: EngineSettings): string | null {
  if (result.error) return `unreadable: ${result.error.message}`;
  const family = familyOf(result);
  if (!family) return 'not a document Ledgerdrop recognises (not an invoice, credit note, bank statement, PDF or scan)';
  if (result.validation && !result.validation.valid && settings.invalidEInvoice === 'hold') {
    const rules = [...new Set(result.validation.errors.map((e) => e.rule))].slice(0, 5).join(', ');
    return `invalid e-invoice: breaks ${rules} (${result.validation.ruleset} ${result.validation.release})`;
  }
  if (family === 'invoices' && result.direction !== 'sales' && result.direction !== 'purchase' && settings.unknownDirection === 'hold') {
    return result.kind === 'invoice' || result.kind === 'credit-note'
      ? "direction unknown: the client's identifiers match neither (or both) the supplier and the customer"
      : 'direction unknown: a PDF or scan does not say whether it is a sale or a purchase';
  }
  return null;
}

function summaryOf(result: InspectResult): string {
  const inv = result.invoice;
  return JSON.stringify({
    number: inv?.number ?? null,
    issueDate: inv?.issueDate ?? result.statements?.[0]?.closingDate ?? null,
    supplier: inv?.supplier?.name ?? null,
    customer: inv?.customer?.name ?? null,
    payable: inv?.payableAmount ?? null,
    currency: inv?.currency ?? result.statements?.[0]?.currency ?? null,
    valid: result.validation?.valid ?? null,
    statements: result.statements?.length ?? null,
  });
}

/** Creates the delivery a document is due, when the client and its connection take it now. */
export function queueDeliveries(db: Db, documentId: number, now: string): number {
  const doc = sql(db, 
      `SELECT d.id, d.client_id, d.sha256, d.family, d.baseline, d.review_reason, d.received_at,
              c.connection_id, c.invoices_activated_at, c.statements_activated_at, n.families, n.active
       FROM documents d JOIN clients c ON c.id = d.client_id LEFT JOIN connections n ON n.id = c.connection_id
       WHERE d.id = ?`,
    )
    .get(documentId) as
    | { id: number; client_id: string; sha256: string; family: DocumentFamily | null; baseline: number; review_reason: string | null; received_at: string; connection_id: string | null; invoices_activated_at: string | null; statements_activated_at: string | null; families: string | null; active: number | null }
    | undefined;
  if (!doc || doc.baseline || doc.review_reason || !doc.family || !doc.connection_id || !doc.families) return 0;
  if (!(JSON.parse(doc.families) as string[]).includes(doc.family)) return 0;
  const activatedAt = doc.family === 'invoices' ? doc.invoices_activated_at : doc.statements_activated_at;
  if (!activatedAt || doc.received_at < activatedAt) return 0;
  const info = sql(db, 
      `INSERT INTO deliveries (document_id, client_id, connection_id, sha256, destination, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'main', 'queued', ?, ?) ON CONFLICT DO NOTHING`,
    )
    .run(doc.id, doc.client_id, doc.connection_id, doc.sha256, now, now);
  return info.changes;
}

/** What holds a document back, in words, for the activity log and `status`. */
function waitingReason(db: Db, documentId: number): string | null {
  const row = sql(db, 
      `SELECT d.family, d.baseline, d.review_reason, d.received_at, c.connection_id, c.invoices_activated_at, c.statements_activated_at
       FROM documents d JOIN clients c ON c.id = d.client_id WHERE d.id = ?`,
    )
    .get(documentId) as { family: string | null; baseline: number; review_reason: string | null; received_at: string; connection_id: string | null; invoices_activated_at: string | null; statements_activated_at: string | null };
  if (row.review_reason) return `held for review — ${row.review_reason}`;
  if (row.baseline) return 'was already there when the folder was activated (baseline): not exported unless you ask';
  if (!row.connection_id) return 'the client has no connection';
  const activated = row.family === 'statements' ? row.statements_activated_at : row.invoices_activated_at;
  if (!activated) return `the client is not activated for ${row.family}`;
  if (row.received_at < activated) return `arrived before ${row.family} were activated`;
  return null;
}

/** What is known about a file before it is understood. */
interface Arrival {
  clientId: string;
  name: string;
  source: 'watch' | 'import' | 'sync';
  sourcePath: string | null;
  baseline?: boolean;
  sha256: string;
  size: number;
  /** A file from a watch folder: recorded as taken in (stamp as listed), so a later scan need not read it. */
  watched?: WatchedStamp;
}

export interface WatchedStamp {
  folderId: number;
  folder: string;
  stamp: FileStamp;
}

/** Archives are not stored: their members are taken in one by one. */
function storable(result: InspectResult): boolean {
  return !(result.kind === 'archive' && !result.error);
}

/**
 * Takes one file's bytes in for a client. Idempotent: the same bytes for the same client are one
 * document, whatever their name or how often they arrive.
 */
export async function intakeBytes(
  ctx: IntakeContext,
  input: { clientId: string; bytes: Uint8Array; name: string; source: 'watch' | 'import' | 'sync'; sourcePath: string | null; baseline?: boolean },
): Promise<IntakeOutcome> {
  const { bytes, ...rest } = input;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return takeIn(ctx, { ...rest, sha256, size: bytes.length }, async (options) => {
    const result = await ctx.workers.inspect(bytes, options);
    if (storable(result)) await ctx.store.put(bytes, sha256);
    return { result, bytes: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes) };
  });
}

/**
 * The common part of intake: a duplicate stops here; otherwise `understand` reads the document
 * and stores its copy (unless it is an archive), and the document and its delivery are journaled.
 */
async function takeIn(ctx: IntakeContext, input: Arrival, understand: (options: InspectOptions & { name: string }) => Promise<Understood>): Promise<IntakeOutcome> {
  const { db } = ctx;
  const client = sql(db, 'SELECT id, identifiers, connection_id, invoices_activated_at, statements_activated_at FROM clients WHERE id = ?').get(input.clientId) as ClientRow | undefined;
  if (!client) throw new Error(`no client ${input.clientId}`);
  const { sha256 } = input;
  const existing = sql(db, 'SELECT id FROM documents WHERE client_id = ? AND sha256 = ?').get(input.clientId, sha256) as { id: number } | undefined;
  if (existing) {
    // No fsync needed: if this note is lost, the next scan reads the file once more.
    const { watched } = input;
    if (watched) await commitBatched(db, () => markTaken(db, watched.folderId, watched.folder, watched.stamp));
    return { name: input.name, outcome: 'duplicate', documentId: existing.id, waiting: null, queued: 0 };
  }

  const { result, bytes } = await understand({ name: input.name, clientIds: JSON.parse(client.identifiers) as string[] });
  if (result.kind === 'archive' && !result.error) return intakeArchive(ctx, { ...input, bytes });

  const now = ctx.now().toISOString();
  const review = reviewReason(result, ctx.settings());
  const family = familyOf(result);
  // Fix (crash test, test/integration/exactly-once.test.ts): the document and its delivery are one
  // commit. They were two, so a process killed between them left a document with no delivery, and
  // taking the file in again only said "duplicate": the document was never delivered.
  // Group commit (store/group-commit.ts): the commit does not block the engine for its fsync; the
  // outcome is reported only once it is on disk.
  const committed = await commitBatched(db, () => {
    if (input.watched) markTaken(db, input.watched.folderId, input.watched.folder, input.watched.stamp);
    // The same bytes may have been taken in meanwhile (the same file dropped twice at once).
    const twin = sql(db, 'SELECT id FROM documents WHERE client_id = ? AND sha256 = ?').get(input.clientId, sha256) as { id: number } | undefined;
    if (twin) return { documentId: twin.id, queued: -1 };
    const info = sql(db, 
        `INSERT INTO documents (client_id, sha256, original_name, source, source_path, size, kind, format, family, direction, summary, baseline, review_reason, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(input.clientId, sha256, input.name, input.source, input.sourcePath, input.size, result.kind, result.format, family, result.direction, summaryOf(result), input.baseline ? 1 : 0, review, now);
    const id = Number(info.lastInsertRowid);
    sql(db, "INSERT INTO activity (at, level, event, client_id, document_id, message) VALUES (?, ?, 'document.added', ?, ?, ?)").run(
      now,
      review ? 'warning' : 'info',
      input.clientId,
      id,
      `${input.name}: ${result.kind}${result.format ? ` (${result.format})` : ''}${result.direction && result.direction !== 'unknown' ? `, ${result.direction}` : ''}${review ? ` — held for review: ${review}` : ''}`,
    );
    return { documentId: id, queued: queueDeliveries(db, id, now) };
  });
  await durable(db);
  if (committed.queued < 0) return { name: input.name, outcome: 'duplicate', documentId: committed.documentId, waiting: null, queued: 0 };
  const { documentId, queued } = committed;
  ctx.onDocument?.({ clientId: input.clientId, documentId, name: input.name, outcome: 'added' });
  return { name: input.name, outcome: 'added', documentId, waiting: queued ? null : waitingReason(db, documentId), queued, understood: !result.error && family !== null };
}

async function intakeArchive(ctx: IntakeContext, input: Omit<Arrival, 'sha256' | 'size'> & { bytes: Uint8Array }): Promise<IntakeOutcome> {
  const zip = readZip(input.bytes, DEFAULT_ARCHIVE_LIMITS, { remainingBytes: DEFAULT_ARCHIVE_LIMITS.maxTotalBytes });
  if (!zip.ok) return { name: input.name, outcome: 'unreadable', documentId: null, waiting: zip.error.message, queued: 0 };
  const members: IntakeOutcome[] = [];
  for (const member of zip.members) {
    members.push(await intakeBytes(ctx, { clientId: input.clientId, source: input.source, sourcePath: input.sourcePath, ...(input.baseline ? { baseline: true } : {}), bytes: member.bytes, name: `${input.name}/${member.name}` }));
  }
  return { name: input.name, outcome: 'archive', documentId: null, waiting: null, queued: members.reduce((n, m) => n + m.queued, 0), members };
}

/** Reads a file from disk (size-checked first) and takes it in. */
export async function intakeFile(ctx: IntakeContext, input: { clientId: string; path: string; source: 'watch' | 'import'; baseline?: boolean; watched?: WatchedStamp }): Promise<IntakeOutcome> {
  const name = basename(input.path);
  const arrival = { clientId: input.clientId, name, source: input.source, sourcePath: input.path, ...(input.baseline ? { baseline: true } : {}), ...(input.watched ? { watched: input.watched } : {}) };
  const { workers } = ctx;
  const read = await workers.read(input.path, MAX_DOCUMENT_BYTES);
  if (!read.ok) return { name, outcome: 'unreadable', documentId: null, waiting: read.failure.message, queued: 0 };
  try {
    return await takeIn(ctx, { ...arrival, sha256: read.sha256, size: read.size }, (options) => workers.understand(read, options, ctx.store));
  } finally {
    workers.release(read); // a duplicate: the worker forgets the bytes (no-op once understood)
  }
}

/**
 * The outbox: one delivery row per (client, connection, document, destination), moved through
 * queued → running → done | waiting (retry at) | failed (needs the user) | cancelled. The state is
 * committed before and after every attempt, and connectors deliver idempotently, so a crash at any
 * point leads to one delivered copy: on start, `running` rows go back to `waiting`.
 */
import { connectorFor } from '../connectors/registry.ts';
import { DeliveryError, NEEDS_SIGN_IN, type ConnectorContext, type ConnectorDefinition, type ConnectorSession, type DeliveryClient, type DeliveryDocument, type DocumentFamily, type ExportFormat } from '../connectors/types.ts';
import { extractEmbeddedPdf } from '../understanding/render/extract.ts';
import { renderDocument } from '../understanding/render/render-file.ts';
import { connectionSecretName } from '../../shared/config-file.ts';
import type { ContentStore } from '../intake/content-store.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { sql, type Db } from '../store/database.ts';
import { commitBatched, durable } from '../store/group-commit.ts';
import { nextDelayMs } from './backoff.ts';
import { pausedUntil } from './controls.ts';
import { Pacer } from './pacer.ts';

export interface OutboxContext {
  db: Db;
  store: ContentStore;
  secrets: SecretStore;
  now: () => Date;
  onDelivery?: (event: { deliveryId: number; state: DeliveryState; message: string | null }) => void;
  onProgress?: (event: { done: number; total: number }) => void;
  onConnectionStatus?: (event: { connectionId: string; status: 'error' | 'needs-sign-in'; message: string }) => void;
  /** Bytes sent so far of one delivery's files (connectors report it for large files). */
  onDeliveryProgress?: (event: { deliveryId: number; bytesSent: number; bytesTotal: number }) => void;
}

export type DeliveryState = 'queued' | 'running' | 'done' | 'waiting' | 'failed' | 'cancelled';

interface DueRow {
  id: number;
  attempts: number;
  connection_id: string;
  client_id: string;
  sha256: string;
  original_name: string;
  family: DocumentFamily;
  direction: 'sales' | 'purchase' | 'unknown' | null;
  kind: string;
  format: string | null;
  summary: string;
  received_at: string;
}

const pacers = new WeakMap<Db, Pacer>();
function pacerOf(ctx: OutboxContext): Pacer {
  let pacer = pacers.get(ctx.db);
  if (!pacer) {
    pacer = new Pacer(() => ctx.now().getTime());
    pacers.set(ctx.db, pacer);
  }
  return pacer;
}

export interface RunSummary {
  done: number;
  waiting: number;
  failed: number;
}

/**
 * Connections whose destination may still hold an attempt's leftovers (a local folder's `.partial`
 * files) — the attempt's process died, or its folder vanished under it — as a JSON array in `meta`.
 */
const SWEEP_KEY = 'outbox_partials_to_sweep';

function connectionsToSweep(db: Db): string[] {
  const value = sql(db, 'SELECT value FROM meta WHERE key = ?').pluck().get(SWEEP_KEY) as string | undefined;
  return value ? (JSON.parse(value) as string[]) : [];
}

function setConnectionsToSweep(db: Db, ids: readonly string[]): void {
  if (ids.length === 0) sql(db, 'DELETE FROM meta WHERE key = ?').run(SWEEP_KEY);
  else sql(db, 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(SWEEP_KEY, JSON.stringify([...new Set(ids)].sort()));
}

/**
 * On start: an attempt that was under way when the process died is retried (the connector's
 * idempotency makes that safe). Its connection is remembered in the same commit, so the next
 * deliverDue removes the partial file the dead attempt may have left (see sweepLeftovers) — even
 * when this start is only a `status` and the sweep happens in a later process.
 */
export function recoverInterrupted(db: Db, now: Date): number {
  return db.transaction(() => {
    const connections = sql(db, "SELECT DISTINCT connection_id FROM deliveries WHERE state = 'running'").pluck().all() as string[];
    if (connections.length === 0) return 0;
    const changes = sql(db, "UPDATE deliveries SET state = 'waiting', next_attempt_at = ?, updated_at = ? WHERE state = 'running'").run(now.toISOString(), now.toISOString()).changes;
    setConnectionsToSweep(db, [...connectionsToSweep(db), ...connections]);
    return changes;
  })();
}

/**
 * Fix (crash test, test/integration/exactly-once.test.ts): a process SIGKILLed while a local-folder
 * delivery wrote its `.<name>.<id>.partial` (or between the link to the final name and the partial's
 * removal) left that partial in the user's folder for good — the retry writes a new partial and
 * nothing removed the old one (cleanupStalePartials existed but nobody called it, and its 60-minute
 * default would not have caught a partial from a crash seconds ago). The same when the destination
 * folder vanished mid-attempt (share unplugged, folder moved): writeFileAtomic's own clean-up then
 * fails too, and the partial reappears with the folder (test/integration/pipeline-faults.test.ts).
 *
 * Now, before delivering, the destinations of those connections are swept of our partials,
 * whatever their age: one engine per data folder (the home lock) means no attempt of ours
 * is under way. Another installation writing into the same folder at that moment would only see its
 * link() fail and retry later — a partial is never a delivered file. A destination that is not there
 * (unplugged share) keeps its connection on the list for the next run.
 *
 * Each connector says how to clean its destination (ConnectorDefinition.cleanupInterrupted).
 */
const sweeps = new WeakMap<Db, Promise<void>>();

async function sweepLeftovers(ctx: OutboxContext): Promise<void> {
  const { db } = ctx;
  // Callers that overlap share one sweep, and none starts delivering before it is over.
  let sweep = sweeps.get(db);
  if (!sweep) {
    sweep = sweepPartials(ctx)
      .catch(() => undefined) // best effort: never hold deliveries back; the list stays for the next run
      .finally(() => sweeps.delete(db));
    sweeps.set(db, sweep);
  }
  return sweep;
}

async function sweepPartials(ctx: OutboxContext): Promise<void> {
  const { db } = ctx;
  const pending = connectionsToSweep(db);
  if (pending.length === 0) return;
  const swept: string[] = [];
  for (const connectionId of pending) {
    const connection = sql(db, 'SELECT id, service, settings FROM connections WHERE id = ?').get(connectionId) as { id: string; service: string; settings: string } | undefined;
    const cleanup = connection ? connectorFor(connection.service)?.cleanupInterrupted : undefined;
    if (!connection || !cleanup) {
      swept.push(connectionId);
      continue;
    }
    const clients = (sql(db, 'SELECT id, name, accounting_file_id, fields FROM clients WHERE connection_id = ?').all(connectionId) as ClientRow[]).map(toDeliveryClient);
    if (await cleanup(clients, connectorContext(ctx.secrets, connection))) swept.push(connectionId);
  }
  db.transaction(() => setConnectionsToSweep(db, connectionsToSweep(db).filter((id) => !swept.includes(id))))();
}

interface ClientRow {
  id: string;
  name: string;
  accounting_file_id: string | null;
  fields: string;
}

function toDeliveryClient(row: ClientRow): DeliveryClient {
  return { id: row.id, name: row.name, accountingFileId: row.accounting_file_id, fields: JSON.parse(row.fields) as Record<string, unknown> };
}

export function connectorContext(secrets: SecretStore, connection: { id: string; settings: string }): ConnectorContext {
  return {
    connectionId: connection.id,
    settings: JSON.parse(connection.settings) as Record<string, unknown>,
    secret: (key) => secrets.get(connectionSecretName(connection.id, key)),
    setSecret: async (key, value) => {
      if (value === null) await secrets.delete(connectionSecretName(connection.id, key));
      else await secrets.set(connectionSecretName(connection.id, key), value);
    },
  };
}

/**
 * One outbox worker's way to a connection: a session opened on first use when the connector
 * offers sessions (SFTP, FTP, SMTP keep their connection for the whole batch), dropped after a
 * failed delivery (the connection may be broken), closed when the worker is done.
 */
class WorkerLink {
  private session: ConnectorSession | null = null;
  private readonly connector: ConnectorDefinition;
  private readonly ctx: ConnectorContext;
  constructor(connector: ConnectorDefinition, ctx: ConnectorContext) {
    this.connector = connector;
    this.ctx = ctx;
  }

  async deliver(doc: DeliveryDocument, client: DeliveryClient, onProgress: ConnectorContext['progress']): Promise<Awaited<ReturnType<ConnectorDefinition['deliver']>>> {
    const ctx: ConnectorContext = onProgress ? { ...this.ctx, progress: onProgress } : this.ctx;
    if (!this.connector.openSession) return this.connector.deliver(doc, client, ctx);
    this.ctx.progress = onProgress;
    try {
      this.session ??= await this.connector.openSession(this.ctx);
      return await this.session.deliver(doc, client);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (session) await session.close().catch(() => undefined);
  }
}

function log(db: Db, at: string, level: 'info' | 'warning' | 'error', event: string, row: { id: number; client_id: string; connection_id: string }, message: string): void {
  sql(db, 'INSERT INTO activity (at, level, event, client_id, connection_id, delivery_id, message) VALUES (?, ?, ?, ?, ?, ?, ?)').run(at, level, event, row.client_id, row.connection_id, row.id, message);
}

/**
 * Delivers everything due now (queued, or waiting whose time has come) on active, healthy
 * connections, a connection's deliveries at most `limits.concurrency` at a time. Returns when
 * nothing more is due now.
 */
export async function deliverDue(ctx: OutboxContext): Promise<RunSummary> {
  const summary: RunSummary = { done: 0, waiting: 0, failed: 0 };
  let attempted = 0;
  // The batch's size for progress events: what is still due is counted at most every 250 ms (a count
  // after every delivery would cost more than the delivery on a long queue).
  let counted = { at: -Infinity, attempted: 0, remaining: 0 };
  const progressTotal = (): number => {
    const now = Date.now();
    if (now - counted.at >= 250) {
      const remaining = sql(ctx.db, "SELECT count(*) FROM deliveries WHERE state = 'queued' OR (state = 'waiting' AND next_attempt_at <= ?)").pluck().get(ctx.now().toISOString()) as number;
      counted = { at: now, attempted, remaining };
    }
    return Math.max(attempted, counted.attempted + counted.remaining);
  };
  await sweepLeftovers(ctx);
  for (;;) {
    if (pausedUntil(ctx.db, ctx.now())) break;
    const now = ctx.now().toISOString();
    const due = sql(ctx.db, 
        `SELECT v.id, v.attempts, v.connection_id, v.client_id, v.sha256, d.original_name, d.family, d.direction, d.kind, d.format, d.summary, d.received_at
         FROM deliveries v JOIN documents d ON d.id = v.document_id JOIN connections n ON n.id = v.connection_id
         WHERE (v.state = 'queued' OR (v.state = 'waiting' AND v.next_attempt_at <= ?)) AND n.active = 1 AND n.status = 'connected'
         ORDER BY v.id LIMIT 200`,
      )
      .all(now) as DueRow[];
    if (due.length === 0) break;
    const byConnection = new Map<string, DueRow[]>();
    for (const row of due) byConnection.set(row.connection_id, [...(byConnection.get(row.connection_id) ?? []), row]);
    await Promise.all(
      [...byConnection].map(async ([connectionId, rows]) => {
        const connection = connectionRow(ctx.db, connectionId);
        const connector = connectorFor(connection.service);
        const concurrency = connector ? concurrencyOf(connector, connection.settings) : 1;
        const perMinute = connector?.limits.perMinute;
        let next = 0;
        const worker = async () => {
          const link = connector ? new WorkerLink(connector, connectorContext(ctx.secrets, connection)) : null;
          try {
            while (next < rows.length) {
              const row = rows[next++]!;
              await pacerOf(ctx).wait(connectionId, perMinute);
              if (!isConnected(ctx.db, connectionId)) return;
              const state = await attempt(ctx, row, link);
              if (state === 'done') summary.done += 1;
              attempted += 1;
              if (ctx.onProgress) ctx.onProgress({ done: attempted, total: progressTotal() });
            }
          } finally {
            await link?.close();
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
      }),
    );
  }
  const counts = sql(ctx.db, "SELECT state, count(*) AS n FROM deliveries WHERE state IN ('waiting', 'failed') GROUP BY state").all() as { state: string; n: number }[];
  for (const c of counts) summary[c.state as 'waiting' | 'failed'] = c.n;
  // Queued deliveries held back (the outbox is paused, or their connection is inactive or broken) are waiting too.
  summary.waiting += sql(ctx.db, "SELECT count(*) FROM deliveries WHERE state = 'queued'").pluck().get() as number;
  return summary;
}

/**
 * Deliveries in flight at once on a connection: the connector's default, or the user's
 * "connections" setting where the connector declares one (an SFTP or FTP server that allows only
 * so many logins), within 1–16.
 */
export function concurrencyOf(connector: ConnectorDefinition, settingsJson: string): number {
  if (connector.fields.some((f) => f.key === 'connections' && f.scope === 'connection')) {
    const value = (JSON.parse(settingsJson) as Record<string, unknown>).connections;
    const n = typeof value === 'string' ? Number(value) : value;
    if (typeof n === 'number' && Number.isInteger(n)) return Math.min(16, Math.max(1, n));
  }
  return connector.limits.concurrency;
}

interface ConnectionRow {
  id: string;
  service: string;
  settings: string;
  format: ExportFormat;
  pdf_alongside: number;
}

function connectionRow(db: Db, connectionId: string): ConnectionRow {
  return sql(db, 'SELECT id, service, settings, format, pdf_alongside FROM connections WHERE id = ?').get(connectionId) as ConnectionRow;
}

function isConnected(db: Db, connectionId: string): boolean {
  return sql(db, "SELECT 1 FROM connections WHERE id = ? AND active = 1 AND status = 'connected'").get(connectionId) !== undefined;
}

async function attempt(ctx: OutboxContext, row: DueRow, link: WorkerLink | null): Promise<DeliveryState> {
  const { db } = ctx;
  const startedAt = ctx.now().toISOString();
  // Claim: only one attempt per row, committed before anything leaves the machine.
  // The claim need not reach the disk before the attempt: if the process dies first, the row is still
  // queued or waiting and is simply attempted again (connectors are idempotent). So it is committed
  // without its own fsync; the outcome's FULL commit below syncs it along.
  const claimed = await commitBatched(db, () => sql(db, "UPDATE deliveries SET state = 'running', attempts = attempts + 1, updated_at = ? WHERE id = ? AND state IN ('queued', 'waiting')").run(startedAt, row.id).changes);
  if (claimed === 0) return 'running';
  const connection = connectionRow(db, row.connection_id);
  const client = toDeliveryClient(sql(db, 'SELECT id, name, accounting_file_id, fields FROM clients WHERE id = ?').get(row.client_id) as ClientRow);
  try {
    if (!link) throw new DeliveryError('fatal-connection', 'unknown-service', `This version of Ledgerdrop has no "${connection.service}" connector.`);
    const summary = JSON.parse(row.summary) as { number: string | null; issueDate: string | null; supplier: string | null; customer: string | null };
    const doc: DeliveryDocument = {
      deliveryId: `${row.client_id}/${row.connection_id}/${row.sha256}/main`,
      sha256: row.sha256,
      family: row.family,
      direction: row.direction,
      kind: row.kind,
      format: row.format,
      originalName: row.original_name,
      receivedAt: row.received_at,
      meta: { number: summary.number, issueDate: summary.issueDate, supplier: summary.supplier, customer: summary.customer },
      files: await filesFor(row, await ctx.store.get(row.sha256), connection.format, connection.pdf_alongside === 1),
    };
    const { onDeliveryProgress } = ctx;
    const receipt = await link.deliver(doc, client, onDeliveryProgress ? (bytesSent, bytesTotal) => onDeliveryProgress({ deliveryId: row.id, bytesSent, bytesTotal }) : undefined);
    const at = ctx.now().toISOString();
    // Group commit (store/group-commit.ts): the engine goes on with other deliveries while this
    // outcome is synced; it is reported once on disk. Until then a crash means one more attempt,
    // which the connector recognises as already delivered.
    await commitBatched(db, () => {
      sql(db, "UPDATE deliveries SET state = 'done', remote_ref = ?, last_error_code = NULL, last_error_message = NULL, next_attempt_at = NULL, updated_at = ? WHERE id = ?").run(receipt.remoteRef, at, row.id);
      log(db, at, 'info', 'delivery.done', row, `${row.original_name} delivered${receipt.alreadyThere ? ' (it was already there)' : ''}: ${receipt.remoteRef.split('\n')[0]}`);
    });
    await durable(db);
    ctx.onDelivery?.({ deliveryId: row.id, state: 'done', message: null });
    return 'done';
  } catch (error) {
    return recordFailure(ctx, row, error);
  }
}

function recordFailure(ctx: OutboxContext, row: DueRow, error: unknown): DeliveryState {
  const { db } = ctx;
  const failure = error instanceof DeliveryError ? error : new DeliveryError('retry', 'unexpected', error instanceof Error ? error.message : String(error), { cause: error });
  const at = ctx.now();
  const iso = at.toISOString();
  let state: DeliveryState;
  let stopped = false;
  const connectionStatus = failure.code === NEEDS_SIGN_IN ? 'needs-sign-in' : 'error';
  db.transaction(() => {
    if (failure.failure === 'retry') {
      state = 'waiting';
      const retryAt = new Date(at.getTime() + nextDelayMs(row.attempts + 1, failure.retryAfterMs)).toISOString();
      sql(db, "UPDATE deliveries SET state = 'waiting', next_attempt_at = ?, last_error_code = ?, last_error_message = ?, updated_at = ? WHERE id = ?").run(retryAt, failure.code, failure.message, iso, row.id);
      log(db, iso, 'warning', 'delivery.waiting', row, `${row.original_name}: ${failure.message} Ledgerdrop tries again at ${retryAt}.`);
      // The folder vanished under the attempt: its partial may come back with it (see sweepLeftovers).
      if (failure.code === 'destination-missing') setConnectionsToSweep(db, [...connectionsToSweep(db), row.connection_id]);
    } else if (failure.failure === 'no-retry') {
      state = 'failed';
      sql(db, "UPDATE deliveries SET state = 'failed', next_attempt_at = NULL, last_error_code = ?, last_error_message = ?, updated_at = ? WHERE id = ?").run(failure.code, failure.message, iso, row.id);
      log(db, iso, 'error', 'delivery.failed', row, `${row.original_name}: ${failure.message}`);
    } else {
      // The connection itself is broken: this delivery waits, and the connection stops until the user fixes it
      // (signs in again when that is what it needs).
      state = 'waiting';
      sql(db, "UPDATE deliveries SET state = 'waiting', next_attempt_at = ?, last_error_code = ?, last_error_message = ?, updated_at = ? WHERE id = ?").run(iso, failure.code, failure.message, iso, row.id);
      stopped = sql(db, "UPDATE connections SET status = ?, status_message = ?, updated_at = ? WHERE id = ? AND status = 'connected'").run(connectionStatus, failure.message, iso, row.connection_id).changes > 0;
      log(db, iso, 'error', 'connection.error', row, `Connection ${row.connection_id} stopped: ${failure.message}`);
    }
  })();
  if (stopped) ctx.onConnectionStatus?.({ connectionId: row.connection_id, status: connectionStatus, message: failure.message });
  ctx.onDelivery?.({ deliveryId: row.id, state: state!, message: failure.message });
  return state!;
}

/**
 * What goes out for a document: e-invoices in the connection's format (as received, Peppol BIS 3.0
 * or UBL.BE), plus the PDF alongside when the connection asks for it (the one embedded in the
 * e-invoice, or a rendered one). Conversions are deterministic, so a retry sends the same bytes.
 */
async function filesFor(row: DueRow, original: Buffer, format: ExportFormat, pdfAlongside: boolean): Promise<DeliveryDocument['files']> {
  const isEInvoice = row.kind === 'invoice' || row.kind === 'credit-note';
  if (!isEInvoice) return [{ name: row.original_name, bytes: original, mimeType: mimeTypeOf(row.format, row.kind) }];
  let main: DeliveryDocument['files'][number] = { name: row.original_name, bytes: original, mimeType: 'application/xml' };
  if (format !== 'original' && format !== row.format) {
    const converted = await renderDocument(original, format);
    if (!converted.ok) throw new DeliveryError('no-retry', 'conversion-failed', `Cannot convert ${row.original_name} to ${format}: ${converted.message}`);
    main = { name: withExtension(row.original_name, 'xml'), bytes: converted.bytes, mimeType: 'application/xml' };
  }
  if (!pdfAlongside) return [main];
  const embedded = extractEmbeddedPdf(original);
  const pdf = embedded ? Buffer.from(embedded.bytes) : await renderDocument(original, 'pdf').then((r) => (r.ok ? r.bytes : null));
  return pdf ? [main, { name: withExtension(row.original_name, 'pdf'), bytes: pdf, mimeType: 'application/pdf' }] : [main];
}

function withExtension(name: string, extension: string): string {
  const dot = name.lastIndexOf('.');
  return `${dot > 0 ? name.slice(0, dot) : name}.${extension}`;
}

function mimeTypeOf(format: string | null, kind: string): string {
  if (kind === 'invoice' || kind === 'credit-note' || format === 'camt053') return 'application/xml';
  if (format === 'pdf') return 'application/pdf';
  if (format === 'jpeg') return 'image/jpeg';
  if (format === 'png') return 'image/png';
  if (format === 'tiff') return 'image/tiff';
  return 'application/octet-stream';
}

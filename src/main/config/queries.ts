import type { ClientSummary, ConnectionSummary } from '../../shared/contract.ts';
import type { Db } from '../store/database.ts';

export function listClients(db: Db): ClientSummary[] {
  const rows = db
    .prepare('SELECT id, name, identifiers, accounting_file_id, connection_id, invoices_activated_at, statements_activated_at FROM clients ORDER BY name COLLATE NOCASE, id')
    .all() as { id: string; name: string; identifiers: string; accounting_file_id: string | null; connection_id: string | null; invoices_activated_at: string | null; statements_activated_at: string | null }[];
  const folders = db.prepare('SELECT client_id, path FROM watch_folders ORDER BY id').all() as { client_id: string; path: string }[];
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    identifiers: JSON.parse(r.identifiers) as string[],
    accountingFileId: r.accounting_file_id,
    connection: r.connection_id,
    invoicesActivatedAt: r.invoices_activated_at,
    statementsActivatedAt: r.statements_activated_at,
    watchFolders: folders.filter((f) => f.client_id === r.id).map((f) => f.path),
  }));
}

export function listConnections(db: Db): ConnectionSummary[] {
  const rows = db
    .prepare(
      `SELECT c.id, c.service, c.name, c.families, c.format, c.active, c.status, c.status_message, (SELECT count(*) FROM clients WHERE connection_id = c.id) AS clients
       FROM connections c ORDER BY c.name COLLATE NOCASE, c.id`,
    )
    .all() as { id: string; service: string; name: string; families: string; format: string; active: number; status: ConnectionSummary['status']; status_message: string | null; clients: number }[];
  return rows.map((r) => ({
    id: r.id,
    service: r.service,
    name: r.name,
    families: JSON.parse(r.families) as string[],
    format: r.format,
    active: r.active === 1,
    status: r.status,
    statusMessage: r.status_message,
    clients: r.clients,
  }));
}

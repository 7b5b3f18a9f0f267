/**
 * What the user does to one connection besides configuring it: test it (and keep the facts the
 * test asks them to confirm, such as an SFTP server's host key), and sign in to an OAuth service.
 */
import { connectorFor } from '../connectors/registry.ts';
import type { SignInUi, TestResult } from '../connectors/types.ts';
import { EngineError } from '../engine/errors.ts';
import { connectorContext } from '../outbox/outbox.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { sql, type Db } from '../store/database.ts';
import type { ConnectionTest } from '../../shared/contract.ts';

interface ConnectionRow {
  id: string;
  service: string;
  settings: string;
  status: 'connected' | 'needs-sign-in' | 'error';
}

function connection(db: Db, id: string): ConnectionRow {
  const row = sql(db, 'SELECT id, service, settings, status FROM connections WHERE id = ?').get(id) as ConnectionRow | undefined;
  if (!row) throw new EngineError('not-found', `There is no connection "${id}".`, { fix: 'Run `ledgerdrop connections` to see the connections and their ids.' });
  return row;
}

function asTest(result: TestResult, accepted: boolean): ConnectionTest {
  return { ok: result.ok, message: result.message, facts: result.facts ?? {}, accept: result.accept ?? {}, accepted };
}

export interface ConnectionActionEvents {
  onStatus?(event: { connectionId: string; status: 'connected'; message: null }): void;
}

/** Puts a stopped connection back in service after the user fixed it (accepted a key, signed in). */
function backInService(db: Db, id: string, at: string, why: string, events: ConnectionActionEvents): void {
  const changed = db.transaction(() => {
    const n = sql(db, "UPDATE connections SET status = 'connected', status_message = NULL, updated_at = ? WHERE id = ? AND status != 'connected'").run(at, id).changes;
    if (n > 0) {
      sql(db, "UPDATE deliveries SET next_attempt_at = ? WHERE connection_id = ? AND state = 'waiting'").run(at, id);
      sql(db, "INSERT INTO activity (at, level, event, connection_id, message) VALUES (?, 'info', 'connection.connected', ?, ?)").run(at, id, `Connection ${id} is back in service: ${why}.`);
    }
    return n > 0;
  })();
  if (changed) events.onStatus?.({ connectionId: id, status: 'connected', message: null });
}

export async function testConnection(db: Db, secrets: SecretStore, id: string, accept: boolean, now: Date, events: ConnectionActionEvents = {}): Promise<ConnectionTest> {
  const row = connection(db, id);
  const connector = connectorFor(row.service);
  if (!connector) return asTest({ ok: false, message: `This version of Ledgerdrop has no "${row.service}" connector. Update Ledgerdrop.` }, false);
  const result = await connector.test(connectorContext(secrets, row));
  const toAccept = result.accept ?? {};
  if (!accept || Object.keys(toAccept).length === 0) return asTest(result, false);

  const at = now.toISOString();
  db.transaction(() => {
    const settings = JSON.parse(connection(db, id).settings) as Record<string, unknown>;
    Object.assign(settings, toAccept);
    sql(db, 'UPDATE connections SET settings = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(settings), at, id);
    const what = Object.entries(toAccept)
      .map(([key, value]) => `${key} = ${value}`)
      .join(', ');
    sql(db, "INSERT INTO activity (at, level, event, connection_id, message) VALUES (?, 'info', 'connection.accepted', ?, ?)").run(at, id, `Accepted for connection ${id}: ${what}.`);
  })();
  // Test again with what was accepted: only a connection that now works goes back in service.
  const after = await connector.test(connectorContext(secrets, connection(db, id)));
  if (after.ok) backInService(db, id, at, 'the user accepted ' + Object.keys(toAccept).join(', '), events);
  // `accept` now says what was stored.
  return asTest({ ...after, accept: toAccept }, true);
}

export async function signInConnection(db: Db, secrets: SecretStore, id: string, ui: SignInUi, now: () => Date, events: ConnectionActionEvents = {}): Promise<ConnectionTest> {
  const row = connection(db, id);
  const connector = connectorFor(row.service);
  if (!connector?.signIn) {
    throw new EngineError('invalid-input', `Connection "${id}" (${row.service}) does not sign in through the browser.`, { fix: 'Store its password with `ledgerdrop config apply` or in the connection wizard instead.' });
  }
  const result = await connector.signIn(connectorContext(secrets, row), ui);
  if (result.ok) backInService(db, id, now().toISOString(), 'signed in', events);
  return asTest(result, false);
}

/**
 * `config apply`: declarative set-up of connections and clients. Everything is checked first —
 * the file's shape, then every setting and field against what its connector declares — and each
 * problem is reported with its JSON path. Only then are secrets stored in the keychain and the rest
 * written in one database transaction, so a refused file changes nothing.
 */
import { isAbsolute } from 'node:path';
import { describeZodError } from '../../shared/contract.ts';
import { configFileSchema, connectionSecretName, type ClientConfig, type ConfigFile, type ConnectionConfig } from '../../shared/config-file.ts';
import { validateTemplate } from '../connectors/path-template.ts';
import { connectorFor, CONNECTORS } from '../connectors/registry.ts';
import type { ConnectorField } from '../connectors/types.ts';
import { EngineError } from '../engine/errors.ts';
import { snapshotBaseline, stampsOf, type FileStamp } from '../intake/baseline.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { Db } from '../store/database.ts';
import { normalizeIdentifier } from '../understanding/identifiers.ts';

export interface ApplyResult {
  connections: { created: string[]; updated: string[] };
  clients: { created: string[]; updated: string[] };
  secretsStored: string[];
}

interface ConnectionRow {
  id: string;
  families: string;
}

/** Checks a value against a declared field; returns the problem or null. */
function fieldProblem(field: ConnectorField, value: unknown): string | null {
  switch (field.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'choice':
      return typeof value === 'string' && (field.choices ?? []).includes(value) ? null : `must be one of ${(field.choices ?? []).join(', ')}`;
    case 'email':
      return typeof value === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? null : 'must be an email address';
    case 'path':
      return typeof value === 'string' && isAbsolute(value) ? null : 'must be an absolute path';
    case 'path-template':
      if (typeof value !== 'string') return 'must be a text';
      return validateTemplate(value);
    default:
      return typeof value === 'string' && value.length > 0 ? null : 'must be a non-empty text';
  }
}

/**
 * Checks a configuration completely, then applies it. `secretValues` holds the values of the file's
 * secret sources, keyed by their keychain name (connection.<id>.<field>), resolved by the caller
 * (the CLI reads the environment variables and stdin the file names).
 */
export async function applyConfig(db: Db, secrets: SecretStore, input: unknown, secretValues: Readonly<Record<string, string>>, now = new Date()): Promise<ApplyResult> {
  const parsed = configFileSchema.safeParse(input);
  if (!parsed.success) throw new EngineError('invalid-input', `The configuration is not valid: ${describeZodError(parsed.error)}`, { fix: 'Nothing was changed.' });
  const config = parsed.data;
  // Required secrets the file does not give must already be in the keychain.
  const stored = new Set<string>();
  for (const c of config.connections) {
    for (const field of connectorFor(c.service)?.fields ?? []) {
      const name = connectionSecretName(c.id, field.key);
      if (field.secret && field.required && !Object.hasOwn(c.secrets, field.key) && (await secrets.has(name))) stored.add(name);
    }
  }
  const problems = checkConfig(db, config, secretValues, (name) => stored.has(name));
  if (problems.length) throw new EngineError('invalid-input', `The configuration is not valid: ${problems.join('; ')}.`, { fix: 'Nothing was changed: correct the file and apply it again.' });
  return new ApplyPlan(db, config, secretValues, now).run(secrets);
}

function checkConfig(db: Db, config: ConfigFile, secretValues: Readonly<Record<string, string>>, hasSecret: (name: string) => boolean): string[] {
  const problems: string[] = [];
  const existing = new Map((db.prepare('SELECT id, families FROM connections').all() as ConnectionRow[]).map((r) => [r.id, JSON.parse(r.families) as string[]]));
  const families = new Map(existing);
  const seen = new Set<string>();
  config.connections.forEach((c, i) => {
    const at = `connections[${i}]`;
    if (seen.has(c.id)) problems.push(`${at}.id: "${c.id}" is used twice`);
    seen.add(c.id);
    families.set(c.id, c.families);
    const connector = connectorFor(c.service);
    if (!connector) {
      problems.push(`${at}.service: unknown service "${c.service}" (known: ${[...CONNECTORS.keys()].join(', ')})`);
      return;
    }
    for (const family of c.families) if (!connector.families.includes(family)) problems.push(`${at}.families: ${connector.id} does not take ${family}`);
    if (!connector.formats.includes(c.format)) problems.push(`${at}.format: ${connector.id} cannot deliver ${c.format}`);
    const declared = new Map(connector.fields.filter((f) => f.scope === 'connection').map((f) => [f.key, f]));
    for (const [key, value] of Object.entries(c.settings)) {
      const field = declared.get(key);
      if (!field) problems.push(`${at}.settings.${key}: unknown setting for ${connector.id} (known: ${[...declared.values()].filter((f) => !f.secret).map((f) => f.key).join(', ')})`);
      else if (field.secret) problems.push(`${at}.settings.${key}: this is a secret; give it under "secrets" (from an environment variable or stdin), never in the file`);
      else {
        const problem = fieldProblem(field, value);
        if (problem) problems.push(`${at}.settings.${key}: ${problem}`);
      }
    }
    for (const [key, source] of Object.entries(c.secrets)) {
      const field = declared.get(key);
      if (!field?.secret) problems.push(`${at}.secrets.${key}: ${connector.id} has no secret named ${key}`);
      else if (!(connectionSecretName(c.id, key) in secretValues)) problems.push(`${at}.secrets.${key}: ${'env' in source ? `the environment variable ${source.env} is not set` : 'no value was given on standard input'}`);
    }
    for (const field of declared.values()) {
      if (!field.required || field.default !== undefined) continue;
      const given = field.secret ? key(c.secrets, field.key) || hasSecret(connectionSecretName(c.id, field.key)) : key(c.settings, field.key);
      if (!given) problems.push(`${at}.${field.secret ? 'secrets' : 'settings'}.${field.key}: required by ${connector.id}`);
    }
    for (const p of connector.checkSettings?.(c.settings) ?? []) problems.push(`${at}.settings${p.key ? `.${p.key}` : ''}: ${p.problem}`);
  });

  const clientIds = new Set<string>();
  config.clients.forEach((client, i) => problems.push(...checkClient(client, `clients[${i}]`, config, families, clientIds)));
  return problems;
}

function key(record: Record<string, unknown>, name: string): boolean {
  return Object.hasOwn(record, name);
}

function checkClient(client: ClientConfig, at: string, config: ConfigFile, families: Map<string, string[]>, seen: Set<string>): string[] {
  const problems: string[] = [];
  if (seen.has(client.id)) problems.push(`${at}.id: "${client.id}" is used twice`);
  seen.add(client.id);
  client.identifiers.forEach((raw, j) => {
    const id = normalizeIdentifier(raw);
    if (!id.valid) problems.push(`${at}.identifiers[${j}]: ${id.problem ?? `"${raw}" is not an identifier Ledgerdrop knows`}`);
  });
  client.watchFolders.forEach((w, j) => {
    if (!isAbsolute(w.path)) problems.push(`${at}.watchFolders[${j}].path: must be an absolute path`);
  });
  if (client.connection === null) {
    if (client.activate.length) problems.push(`${at}.activate: a client without a connection cannot be activated`);
    if (Object.keys(client.fields).length) problems.push(`${at}.fields: a client without a connection has no fields`);
    return problems;
  }
  const connectionFamilies = families.get(client.connection);
  if (!connectionFamilies) {
    problems.push(`${at}.connection: no connection "${client.connection}" in this file or already set up`);
    return problems;
  }
  for (const family of client.activate) if (!connectionFamilies.includes(family)) problems.push(`${at}.activate: connection ${client.connection} does not deliver ${family}`);
  const service = config.connections.find((c) => c.id === client.connection)?.service;
  const connector = service ? connectorFor(service) : undefined;
  if (connector) {
    const declared = new Map(connector.fields.filter((f) => f.scope === 'client').map((f) => [f.key, f]));
    for (const [name, value] of Object.entries(client.fields)) {
      const field = declared.get(name);
      if (!field) problems.push(`${at}.fields.${name}: unknown field for ${connector.id} (known: ${[...declared.keys()].join(', ') || 'none'})`);
      else {
        const problem = fieldProblem(field, value);
        if (problem) problems.push(`${at}.fields.${name}: ${problem}`);
      }
    }
    for (const field of declared.values()) if (field.required && field.default === undefined && !key(client.fields, field.key)) problems.push(`${at}.fields.${field.key}: required by ${connector.id}`);
    const settings = config.connections.find((c) => c.id === client.connection)?.settings ?? {};
    for (const p of connector.checkClientFields?.(client.fields, settings) ?? []) problems.push(`${at}.fields${p.key ? `.${p.key}` : ''}: ${p.problem}`);
  }
  return problems;
}

/** A checked configuration, ready to write: secrets first (nothing in the database if the keychain refuses), then one transaction. */
class ApplyPlan {
  private readonly db: Db;
  private readonly config: ConfigFile;
  private readonly secretValues: Readonly<Record<string, string>>;
  private readonly now: string;

  constructor(db: Db, config: ConfigFile, secretValues: Readonly<Record<string, string>>, now: Date) {
    this.db = db;
    this.config = config;
    this.secretValues = secretValues;
    this.now = now.toISOString();
  }

  async run(secrets: SecretStore): Promise<ApplyResult> {
    const result: ApplyResult = { connections: { created: [], updated: [] }, clients: { created: [], updated: [] }, secretsStored: [] };
    for (const c of this.config.connections) {
      for (const key of Object.keys(c.secrets)) {
        const name = connectionSecretName(c.id, key);
        await secrets.set(name, this.secretValues[name]!);
        result.secretsStored.push(name);
      }
    }
    // What each watch folder holds now, read before the transaction: activation takes it as the baseline.
    const listings = new Map<string, FileStamp[]>();
    for (const client of this.config.clients) for (const w of client.watchFolders) if (!listings.has(w.path)) listings.set(w.path, await stampsOf(w.path));
    this.db.transaction(() => {
      for (const c of this.config.connections) (this.upsertConnection(c) ? result.connections.created : result.connections.updated).push(c.id);
      for (const client of this.config.clients) (this.upsertClient(client, listings) ? result.clients.created : result.clients.updated).push(client.id);
      this.db
        .prepare("INSERT INTO activity (at, level, event, message, data) VALUES (?, 'info', 'config.applied', ?, ?)")
        .run(this.now, `Configuration applied: ${this.config.connections.length} connections, ${this.config.clients.length} clients.`, JSON.stringify({ ...result, secretsStored: result.secretsStored.length }));
    })();
    return result;
  }

  /** Returns true when created. */
  private upsertConnection(c: ConnectionConfig): boolean {
    const exists = this.db.prepare('SELECT 1 FROM connections WHERE id = ?').get(c.id) !== undefined;
    this.db
      .prepare(
        `INSERT INTO connections (id, service, name, families, settings, format, pdf_alongside, active, terms_accepted_at, created_at, updated_at)
         VALUES (@id, @service, @name, @families, @settings, @format, @pdf, @active, @terms, @now, @now)
         ON CONFLICT(id) DO UPDATE SET service = excluded.service, name = excluded.name, families = excluded.families, settings = excluded.settings,
           format = excluded.format, pdf_alongside = excluded.pdf_alongside, active = excluded.active,
           terms_accepted_at = COALESCE(connections.terms_accepted_at, excluded.terms_accepted_at), updated_at = excluded.updated_at`,
      )
      .run({
        id: c.id,
        service: c.service,
        name: c.name,
        families: JSON.stringify(c.families),
        settings: JSON.stringify(c.settings),
        format: c.format,
        pdf: c.pdfAlongside ? 1 : 0,
        active: c.active ? 1 : 0,
        terms: c.termsAccepted ? this.now : null,
        now: this.now,
      });
    return !exists;
  }

  private upsertClient(c: ClientConfig, listings: ReadonlyMap<string, FileStamp[]>): boolean {
    const previous = this.db.prepare('SELECT invoices_activated_at AS inv, statements_activated_at AS st FROM clients WHERE id = ?').get(c.id) as { inv: string | null; st: string | null } | undefined;
    // Re-applying keeps the original activation time: only documents after it are exported.
    const activation = (family: 'invoices' | 'statements', before: string | null | undefined) => (c.activate.includes(family) ? (before ?? this.now) : null);
    this.db
      .prepare(
        `INSERT INTO clients (id, name, identifiers, language, accounting_file_id, share, connection_id, fields, invoices_activated_at, statements_activated_at, created_at, updated_at)
         VALUES (@id, @name, @identifiers, @language, @accountingFileId, @share, @connection, @fields, @inv, @st, @now, @now)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, identifiers = excluded.identifiers, language = excluded.language,
           accounting_file_id = excluded.accounting_file_id, share = excluded.share, connection_id = excluded.connection_id, fields = excluded.fields,
           invoices_activated_at = excluded.invoices_activated_at, statements_activated_at = excluded.statements_activated_at, updated_at = excluded.updated_at`,
      )
      .run({
        id: c.id,
        name: c.name,
        identifiers: JSON.stringify(c.identifiers),
        language: c.language,
        accountingFileId: c.accountingFileId,
        share: c.share ? 1 : 0,
        connection: c.connection,
        fields: JSON.stringify(c.fields),
        inv: activation('invoices', previous?.inv),
        st: activation('statements', previous?.st),
        now: this.now,
      });
    // Activation takes the baseline: what the client's folders hold at that moment is not exported.
    const newlyActivated = (c.activate.includes('invoices') && !previous?.inv) || (c.activate.includes('statements') && !previous?.st);
    const known = new Set((this.db.prepare('SELECT path FROM watch_folders WHERE client_id = ?').all(c.id) as { path: string }[]).map((r) => r.path));
    const wanted = new Set(c.watchFolders.map((w) => w.path));
    for (const row of this.db.prepare('SELECT path FROM watch_folders WHERE client_id = ?').all(c.id) as { path: string }[]) {
      if (!wanted.has(row.path)) this.db.prepare('DELETE FROM watch_folders WHERE client_id = ? AND path = ?').run(c.id, row.path);
    }
    for (const w of c.watchFolders) {
      this.db
        .prepare(
          `INSERT INTO watch_folders (client_id, path, polling, move_processed) VALUES (?, ?, ?, ?)
           ON CONFLICT(client_id, path) DO UPDATE SET polling = excluded.polling, move_processed = excluded.move_processed`,
        )
        .run(c.id, w.path, w.polling ? 1 : 0, w.moveProcessed ? 1 : 0);
      if (newlyActivated || !known.has(w.path)) {
        const id = this.db.prepare('SELECT id FROM watch_folders WHERE client_id = ? AND path = ?').pluck().get(c.id, w.path) as number;
        snapshotBaseline(this.db, id, w.path, listings.get(w.path) ?? [], this.now);
      }
    }
    return previous === undefined;
  }
}

/** The current set-up in the shape `config apply` takes, without secrets (they stay in the keychain). */
export function exportConfig(db: Db): ConfigFile {
  const connections = db.prepare('SELECT * FROM connections ORDER BY id').all() as Record<string, unknown>[];
  const clients = db.prepare('SELECT * FROM clients ORDER BY id').all() as Record<string, unknown>[];
  const folders = db.prepare('SELECT client_id, path, polling, move_processed FROM watch_folders ORDER BY id').all() as { client_id: string; path: string; polling: number; move_processed: number }[];
  return {
    connections: connections.map((c) => ({
      id: String(c.id),
      service: String(c.service),
      name: String(c.name),
      families: JSON.parse(String(c.families)) as ConnectionConfig['families'],
      settings: JSON.parse(String(c.settings)) as Record<string, unknown>,
      secrets: {},
      format: c.format as ConnectionConfig['format'],
      pdfAlongside: c.pdf_alongside === 1,
      active: c.active === 1,
      termsAccepted: c.terms_accepted_at !== null,
    })),
    clients: clients.map((c) => ({
      id: String(c.id),
      name: String(c.name),
      identifiers: JSON.parse(String(c.identifiers)) as string[],
      language: c.language as ClientConfig['language'],
      accountingFileId: (c.accounting_file_id as string | null) ?? null,
      share: c.share === 1,
      connection: (c.connection_id as string | null) ?? null,
      activate: [...(c.invoices_activated_at ? (['invoices'] as const) : []), ...(c.statements_activated_at ? (['statements'] as const) : [])],
      watchFolders: folders.filter((f) => f.client_id === c.id).map((f) => ({ path: f.path, polling: f.polling === 1, moveProcessed: f.move_processed === 1 })),
      fields: JSON.parse(String(c.fields)) as Record<string, unknown>,
    })),
  };
}

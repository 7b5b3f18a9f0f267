import { Command, CommanderError, Option } from 'commander';
import { LANGUAGES, type DoctorReport, type IntakeReport, type OperationName, type OperationOutput } from '../../shared/contract.ts';
import { runDoctor } from '../doctor/doctor.ts';
import { connectControl, type Invoker } from '../engine/control-socket.ts';
import { createEngine, type Engine } from '../engine/engine.ts';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { connectionSecretName } from '../../shared/config-file.ts';
import { EngineError, systemErrorCode, toErrorInfo } from '../engine/errors.ts';
import { resolveHome } from '../engine/home.ts';
import { APP_VERSION } from '../engine/version.ts';
import { KeyringSecretStore } from '../secrets/keyring-store.ts';
import { inspectFile } from '../understanding/inspect.ts';
import { renderDocument, type RenderTarget } from '../understanding/render/render-file.ts';
import { ruleCoverage } from '../understanding/validation/coverage.ts';
import { RULESETS, rulesOf } from '../understanding/validation/rulesets.ts';
import { formatInspect, inspectOk } from './inspect-command.ts';
import { processIo, readSecret, type CliIo } from './io.ts';

/** Exit codes: 0 done, 1 the operation failed (reason on stderr), 2 the command line is wrong, 3 deliveries are left waiting or failed (`run --once`). */
export const EXIT = { ok: 0, failed: 1, usage: 2, pending: 3 } as const;

class CliExit extends Error {
  readonly exitCode: number;
  constructor(exitCode: number) {
    super(`exit ${exitCode}`);
    this.exitCode = exitCode;
  }
}

interface GlobalOptions {
  home?: string;
}

function buildProgram(io: CliIo): Command {
  const program = new Command('ledgerdrop');
  program
    .description('Ledgerdrop: gets every invoice and bank statement of your clients into their accounting package, exactly once.')
    .version(APP_VERSION, '-V, --version', 'print the version')
    .addOption(new Option('--home <dir>', 'data folder (default: LEDGERDROP_HOME, else the OS app-data folder)'))
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: (s, write) => write(`ledgerdrop: ${s.replace(/^error: /, '').trim()}\n`),
    })
    .exitOverride();

  const home = (): string => resolveHome(program.opts<GlobalOptions>().home, io.env);

  /** Opens the data folder — or, when a running agent holds it, asks that agent over its control socket. */
  async function withEngine<T>(action: (engine: Invoker) => Promise<T>): Promise<T> {
    let engine: Engine;
    try {
      engine = await createEngine({ home: home() });
    } catch (error) {
      if (!(error instanceof EngineError) || error.code !== 'home-in-use') throw error;
      const remote = await connectControl(home());
      if (!remote) throw error;
      try {
        return await action(remote);
      } finally {
        remote.close();
      }
    }
    try {
      return await action(engine);
    } finally {
      await engine.close();
    }
  }

  async function invoke<N extends OperationName>(name: N, input: unknown): Promise<OperationOutput<N>> {
    return withEngine((engine) => engine.invoke(name, input));
  }

  /** `ledgerdrop run`: the agent in the foreground until SIGINT/SIGTERM, one line per thing that happens. */
  async function runAgent(): Promise<void> {
    const engine = await createEngine({ home: home() });
    // Lines are stamped when the event happens and written in batches: stdout is a pipe for a
    // service manager (journald, a log file), and a pipe write is a blocking system call on Linux —
    // one per document was a noticeable part of the engine's work in a batch of thousands.
    let pending: string[] = [];
    let flushTimer: NodeJS.Timeout | null = null;
    const flush = () => {
      if (flushTimer) clearTimeout(flushTimer);
      flushTimer = null;
      if (pending.length === 0) return;
      const text = pending.join('');
      pending = [];
      io.stdout(text);
    };
    const line = (text: string, now = false) => {
      pending.push(`${new Date().toISOString()}  ${text}\n`);
      if (now) flush();
      else flushTimer ??= setTimeout(flush, 100);
    };
    engine.on('document.added', (e) => line(`took in ${e.name} for ${e.clientId}`));
    engine.on('connection.signInUrl', (e) => line(`connection ${e.connectionId}: sign in on ${e.url}`));
    engine.on('connection.status', (e) => line(`connection ${e.connectionId}: ${e.status}${e.message ? ` — ${e.message}` : ''}`));
    engine.on('delivery.changed', (e) => {
      if (e.state !== 'running') line(`delivery ${e.deliveryId}: ${e.state}${e.message ? ` — ${e.message}` : ''}`);
    });
    try {
      const stableMs = io.env.LEDGERDROP_STABLE_MS ? Number(io.env.LEDGERDROP_STABLE_MS) : undefined;
      await engine.startAgent({ ...(stableMs ? { stableMs } : {}), onProblem: (message) => line(`watch folder problem: ${message}`) });
      line(`Ledgerdrop is running on ${engine.home}. Stop it with Ctrl-C.`, true);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      line('stopping…', true);
    } finally {
      try {
        await engine.close();
      } finally {
        flush();
      }
    }
  }

  const print = (json: boolean, value: unknown, human: () => string): void => {
    io.stdout(json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
  };

  program
    .command('doctor')
    .description('check that Ledgerdrop can run here: Node version, data folder, database, keychain')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const report = await runDoctor({ home: home(), probeStore: (ns) => new KeyringSecretStore(ns) });
      print(Boolean(opts.json), report, () => formatDoctor(report));
      if (!report.ok) throw new CliExit(EXIT.failed);
    });

  program
    .command('status')
    .description('show the engine status of the data folder')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const { status, outbox } = await withEngine(async (engine) => ({ status: await engine.invoke('engine.status', {}), outbox: await engine.invoke('outbox.status', {}) }));
      const d = outbox.deliveries;
      print(Boolean(opts.json), { ...status, outbox }, () =>
        [
          `Ledgerdrop ${status.version}`,
          `Data folder: ${status.home}`,
          `Database:    ${status.database.path} (schema ${status.database.schemaVersion}, SQLite ${status.database.sqliteVersion})`,
          `Keychain:    ${status.keychain.backend}`,
          `Deliveries:  ${d.done} done, ${d.queued} queued, ${d.waiting} waiting, ${d.failed} failed, ${d.cancelled} cancelled; ${outbox.heldForReview} documents held for review${outbox.pausedUntil ? `; PAUSED until ${outbox.pausedUntil}` : ''}`,
          ...outbox.problems.map((p) => `  #${p.deliveryId} ${p.state}: ${p.document} (${p.client} → ${p.connection}): ${p.message ?? ''}`),
        ].join('\n'),
      );
    });

  const secrets = program.command('secrets').description('store passwords, keys and tokens in the OS keychain');
  secrets
    .command('set')
    .description('store a secret; the value is read from standard input (or a hidden prompt), never from the command line')
    .argument('<name>', 'name of the secret, e.g. sftp-office.password')
    .action(async (name: string) => {
      const value = await readSecret(io, `Value for ${name}: `);
      await invoke('secrets.set', { name, value });
      io.stdout(`Stored ${name} in the keychain.\n`);
    });
  secrets
    .command('delete')
    .description('remove a secret from the keychain')
    .argument('<name>', 'name of the secret')
    .action(async (name: string) => {
      const result = await invoke('secrets.delete', { name });
      io.stdout(result.deleted ? `Deleted ${name}.\n` : `There was no secret named ${name}.\n`);
    });
  secrets
    .command('has')
    .description('say whether a secret is stored (never prints its value); exit 1 when it is not')
    .argument('<name>', 'name of the secret')
    .action(async (name: string) => {
      const result = await invoke('secrets.has', { name });
      io.stdout(result.present ? `${name} is stored.\n` : `${name} is not stored.\n`);
      if (!result.present) throw new CliExit(EXIT.failed);
    });

  const settings = program.command('settings').description('read or change engine settings');
  settings
    .command('get')
    .description('print the engine settings')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const value = await invoke('settings.get', {});
      print(Boolean(opts.json), value, () => Object.entries(value).map(([k, v]) => `${k} = ${String(v)}`).join('\n'));
    });
  settings
    .command('set')
    .description(`change one setting (language: ${LANGUAGES.join('|')}, rescanIntervalMinutes: 1–1440, logLevel: error|warn|info|debug, unknownDirection and invalidEInvoice: hold|export)`)
    .argument('<key>')
    .argument('<value>')
    .action(async (key: string, raw: string) => {
      const value = /^-?\d+$/.test(raw) ? Number(raw) : raw;
      const next = await invoke('settings.set', { patch: { [key]: value } });
      io.stdout(`${key} = ${String((next as Record<string, unknown>)[key])}\n`);
    });

  const config = program.command('config').description('declarative set-up of connections and clients (see the README for the file format)');
  config
    .command('apply')
    .description('create or update the connections and clients in a JSON file; secrets come from the environment variables (or stdin) the file names; nothing is changed when anything in the file is wrong')
    .argument('<file>', 'the configuration file (JSON)')
    .option('--json', 'print the result as one JSON object')
    .action(async (file: string, opts: { json?: boolean }) => {
      const parsed = await readConfigFile(file);
      const secretValues = await resolveSecretSources(parsed, io);
      const result = await invoke('config.apply', { config: parsed, secretValues });
      print(Boolean(opts.json), result, () =>
        [
          `Connections: ${describeChange(result.connections)}`,
          `Clients: ${describeChange(result.clients)}`,
          `Secrets stored in the keychain: ${result.secretsStored.length ? result.secretsStored.join(', ') : 'none'}`,
        ].join('\n'),
      );
    });
  config
    .command('export')
    .description('print the current set-up in the format config apply takes, without secrets')
    .action(async () => {
      io.stdout(`${JSON.stringify(await invoke('config.export', {}), null, 2)}\n`);
    });

  program
    .command('clients')
    .description('list the clients')
    .option('--json', 'print one JSON array')
    .action(async (opts: { json?: boolean }) => {
      const clients = await invoke('clients.list', {});
      print(Boolean(opts.json), clients, () =>
        clients.length === 0
          ? 'No clients yet. Add them with `ledgerdrop config apply FILE.json`.'
          : clients
              .map((c) => {
                const active = [c.invoicesActivatedAt ? `invoices since ${c.invoicesActivatedAt}` : null, c.statementsActivatedAt ? `statements since ${c.statementsActivatedAt}` : null].filter(Boolean).join(', ');
                return `${c.id}  ${c.name}  → ${c.connection ?? '(no connection)'}  ${active || 'not activated'}${c.watchFolders.length ? `\n    watching ${c.watchFolders.join(', ')}` : ''}`;
              })
              .join('\n'),
      );
    });

  program
    .command('connections')
    .description('list the connections (accounting-package configurations)')
    .option('--json', 'print one JSON array')
    .action(async (opts: { json?: boolean }) => {
      const connections = await invoke('connections.list', {});
      print(Boolean(opts.json), connections, () =>
        connections.length === 0
          ? 'No connections yet. Add them with `ledgerdrop config apply FILE.json`.'
          : connections
              .map((c) => `${c.id}  ${c.name} (${c.service}, ${c.families.join(' + ')}, ${c.format})  ${c.active ? c.status : 'inactive'}${c.statusMessage ? `: ${c.statusMessage}` : ''}  ${c.clients} clients`)
              .join('\n'),
      );
    });

  const connectionsCommand = program.commands.find((c) => c.name() === 'connections')!;
  const formatTest = (t: OperationOutput<'connections.test'>): string =>
    [
      `${t.ok ? 'OK' : 'Problem'}: ${t.message}`,
      ...Object.entries(t.facts).map(([k, v]) => `  ${k}: ${v}`),
      ...(Object.keys(t.accept).length === 0
        ? []
        : t.accepted
          ? [`Stored in the connection: ${Object.entries(t.accept).map(([k, v]) => `${k} = ${v}`).join(', ')}`]
          : [`To accept ${Object.entries(t.accept).map(([k, v]) => `${k} = ${v}`).join(', ')}, check it with whoever runs the server, then run the test again with --accept (or put it in the connection's settings).`]),
    ].join('\n');

  connectionsCommand
    .command('test')
    .description("try a connection now (reach the server, sign in, check the folder) without delivering anything; exit 1 when it does not work")
    .argument('<id>', 'the connection id')
    .option('--accept', "store what the test asks you to confirm (an SFTP server's host key) in the connection")
    .option('--json', 'print one JSON object')
    .action(async (id: string, opts: { accept?: boolean; json?: boolean }) => {
      const result = await invoke('connections.test', { id, accept: Boolean(opts.accept) });
      // `--json` after the subcommand is parsed by `connections` itself (it has the same option).
      print(Boolean(opts.json ?? connectionsCommand.opts<{ json?: boolean }>().json), result, () => formatTest(result));
      if (!result.ok) throw new CliExit(1);
    });

  connectionsCommand
    .command('sign-in')
    .description('sign in to an OAuth service (Dropbox, Microsoft 365, Google) in the browser; the tokens go to the keychain')
    .argument('<id>', 'the connection id')
    .option('--json', 'print one JSON object')
    .action(async (id: string, opts: { json?: boolean }) => {
      const result = await withEngine(async (engine) => {
        const stop = 'on' in engine ? (engine as Engine).on('connection.signInUrl', (e) => io.stderr(`Sign in on this page (it opens in your browser if there is one):\n  ${e.url}\n`)) : () => undefined;
        if (!('on' in engine)) io.stderr('The running agent opens the sign-in page; its log shows the address.\n');
        try {
          return await engine.invoke('connections.signIn', { id });
        } finally {
          stop();
        }
      });
      print(Boolean(opts.json ?? connectionsCommand.opts<{ json?: boolean }>().json), result, () => formatTest(result));
      if (!result.ok) throw new CliExit(1);
    });

  program
    .command('import')
    .description("take files or whole folders in for a client (drag-and-drop does the same); duplicates are recognised by content")
    .argument('<path...>', 'files or folders')
    .requiredOption('--client <id>', 'the client the documents belong to')
    .option('--json', 'print the result as one JSON object')
    .action(async (paths: string[], opts: { client: string; json?: boolean }) => {
      const result = await invoke('documents.import', { clientId: opts.client, paths: paths.map((p) => resolvePath(p)) });
      print(Boolean(opts.json), result, () => formatIntake(result));
    });

  program
    .command('run')
    .description('the headless agent: take in what lands in the watch folders and deliver it; with --once, scan and deliver what can be delivered now, then exit (0: nothing left waiting or failed, 3: something is)')
    .option('--once', 'scan the watch folders once, deliver, and exit')
    .option('--json', 'with --once: print the result as one JSON object')
    .action(async (opts: { once?: boolean; json?: boolean }) => {
      if (!opts.once) {
        await runAgent();
        return;
      }
      const outcome = await withEngine(async (engine) => {
        const { scanned, delivered } = await engine.invoke('run.once', {});
        const status = await engine.invoke('outbox.status', {});
        return { scanned, delivered, status };
      });
      print(Boolean(opts.json), outcome, () =>
        [
          formatIntake(outcome.scanned),
          `Delivered ${outcome.delivered.done}; waiting ${outcome.delivered.waiting}; failed ${outcome.delivered.failed}.`,
          ...outcome.status.problems.map((p) => `  ${p.state}: ${p.document} (${p.client} → ${p.connection}): ${p.message ?? ''}${p.nextAttemptAt && p.state === 'waiting' ? ` — next try ${p.nextAttemptAt}` : ''}`),
        ].join('\n'),
      );
      if (outcome.delivered.waiting > 0 || outcome.delivered.failed > 0) throw new CliExit(EXIT.pending);
    });

  program
    .command('pause')
    .description('pause deliveries (documents are still taken in); lasts until `resume`, or for a while with --for; survives restarts')
    .option('--for <duration>', 'how long: 30m, 1h, 2d')
    .action(async (opts: { for?: string }) => {
      const minutes = opts.for === undefined ? undefined : parseDuration(opts.for);
      const result = await invoke('outbox.pause', minutes === undefined ? {} : { minutes });
      io.stdout(result.pausedUntil === 'indefinitely' ? 'Deliveries paused until you resume them.\n' : `Deliveries paused until ${result.pausedUntil}.\n`);
    });
  program
    .command('resume')
    .description('resume deliveries after a pause')
    .action(async () => {
      const result = await invoke('outbox.resume', {});
      io.stdout(result.resumed ? 'Deliveries resumed.\n' : 'Deliveries were not paused.\n');
    });
  program
    .command('retry')
    .description('try a waiting or failed delivery again now (all of them when no id is given; see `status` for the ids)')
    .argument('[delivery-id]', 'the delivery to retry')
    .action(async (id: string | undefined) => {
      const result = await invoke('outbox.retry', id === undefined ? {} : { deliveryId: Number(id) });
      io.stdout(`${result.rescheduled} deliveries will be tried again at the next run.\n`);
    });
  program
    .command('cancel')
    .description('cancel a delivery that has not been done')
    .argument('<delivery-id>', 'the delivery to cancel')
    .action(async (id: string) => {
      const result = await invoke('outbox.cancel', { deliveryId: Number(id) });
      io.stdout(result.cancelled ? `Delivery ${id} cancelled.\n` : `Delivery ${id} was not waiting (done, cancelled or unknown).\n`);
      if (!result.cancelled) throw new CliExit(EXIT.failed);
    });

  program
    .command('activity')
    .description('what Ledgerdrop did: documents taken in, deliveries, problems')
    .option('--since <time>', 'only entries from this ISO time on (e.g. 2026-11-21T08:00:00Z)')
    .option('--limit <n>', 'at most this many entries (newest)', '200')
    .option('--json', 'print one JSON array')
    .action(async (opts: { since?: string; limit: string; json?: boolean }) => {
      const entries = await invoke('activity.list', { ...(opts.since ? { since: opts.since } : {}), limit: Number(opts.limit) });
      print(Boolean(opts.json), entries, () => entries.map((e) => `${e.at}  ${e.level.padEnd(7)} ${e.message}`).join('\n') || 'Nothing yet.');
    });

  program
    .command('inspect')
    .description('say what each file is, read its key fields and check e-invoices against their official rules (exit 1 when a file could not be understood or an e-invoice is invalid)')
    .argument('<file...>', 'files to inspect (content decides, not the extension)')
    .option('--client-id <id>', "the client's enterprise/VAT/KVK/OIN/GLN number, to tell purchase from sales (repeatable)", collect, [] as string[])
    .option('--json', 'print one JSON object per file, one per line')
    .action(async (files: string[], opts: { clientId: string[]; json?: boolean }) => {
      let allOk = true;
      for (const file of files) {
        const result = await inspectFile(file, { clientIds: opts.clientId });
        allOk &&= inspectOk(result);
        io.stdout(opts.json ? `${JSON.stringify(result)}\n` : `${formatInspect(result)}\n`);
      }
      if (!allOk) throw new CliExit(EXIT.failed);
    });

  program
    .command('render')
    .description('write an e-invoice in another format: Peppol BIS 3.0, UBL.BE / e-FFF 3.0 (with the PDF copy it requires), or a readable PDF; the original is not changed')
    .argument('<file>', 'a UBL invoice or credit note')
    .requiredOption('--as <format>', 'peppol-bis-3, ubl-be or pdf')
    .requiredOption('--out <path>', 'where to write the result (an existing file is not overwritten)')
    .action(async (file: string, opts: { as: string; out: string }) => {
      if (!['peppol-bis-3', 'ubl-be', 'pdf'].includes(opts.as)) throw new EngineError('invalid-input', `"${opts.as}" is not a format Ledgerdrop writes.`, { fix: 'Use peppol-bis-3, ubl-be or pdf.' });
      let input: Buffer;
      try {
        input = await readFile(file);
      } catch (error) {
        throw new EngineError('invalid-input', `Cannot read ${file}: ${systemErrorCode(error) === 'ENOENT' ? 'it does not exist' : error instanceof Error ? error.message : String(error)}.`);
      }
      const result = await renderDocument(input, opts.as as RenderTarget);
      if (!result.ok) throw new EngineError('invalid-input', result.message);
      try {
        await writeFile(opts.out, result.bytes, { flag: 'wx' });
      } catch (error) {
        throw new EngineError('invalid-input', `Cannot write ${opts.out}: ${systemErrorCode(error) === 'EEXIST' ? 'a file with that name exists (Ledgerdrop does not overwrite it)' : error instanceof Error ? error.message : String(error)}.`);
      }
      io.stdout(`Wrote ${opts.out} (${opts.as}, ${result.bytes.length} bytes).\n`);
    });

  program
    .command('rules')
    .description('the e-invoice rule sets Ledgerdrop checks, and which official rule ids it implements')
    .option('--coverage', 'list the implemented and missing rule ids per official source')
    .option('--json', 'print one JSON object')
    .action((opts: { coverage?: boolean; json?: boolean }) => {
      const coverage = ruleCoverage();
      const sets = Object.values(RULESETS).map((set) => ({ ruleset: set.id, release: set.release, rules: rulesOf(set).length }));
      if (opts.json) {
        io.stdout(`${JSON.stringify(opts.coverage ? { rulesets: sets, coverage } : { rulesets: sets })}\n`);
        return;
      }
      const lines = sets.map((s) => `${s.ruleset.padEnd(19)} release ${s.release.padEnd(9)} ${s.rules} rules`);
      if (opts.coverage) {
        for (const c of coverage) {
          lines.push('', `${c.source} (${c.official}): fatal ${c.fatal.implemented}/${c.fatal.total}, warning ${c.warning.implemented}/${c.warning.total}`);
          lines.push(`  implemented: ${c.implemented.join(' ') || '(none)'}`);
          if (c.missing.fatal.length) lines.push(`  missing fatal: ${c.missing.fatal.join(' ')}`);
          if (c.missing.warning.length) lines.push(`  missing warnings: ${c.missing.warning.length} (${c.missing.warning.slice(0, 10).join(' ')}${c.missing.warning.length > 10 ? ' …' : ''})`);
        }
      }
      io.stdout(`${lines.join('\n')}\n`);
    });

  for (const command of program.commands) configureSubcommand(command, io);
  return program;
}

/** `30m`, `1h`, `2d` (or plain minutes) → minutes. */
export function parseDuration(text: string): number {
  const m = /^(\d+)\s*(m|min|h|d)?$/i.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw new EngineError('invalid-input', `"${text}" is not a duration.`, { fix: 'Use minutes, hours or days, e.g. 30m, 1h, 2d.' });
  const n = Number(m[1]);
  const unit = (m[2] ?? 'm').toLowerCase();
  return unit === 'h' ? n * 60 : unit === 'd' ? n * 1440 : n;
}

function formatIntake(report: IntakeReport): string {
  const lines = [`Taken in: ${report.added} new, ${report.duplicates} already known, ${report.unreadable} unreadable, ${report.queued} queued for delivery${report.baseline ? `, ${report.baseline} left as they were before activation` : ''}.`];
  for (const f of report.files.flatMap((f) => (f.members ? [f, ...f.members] : [f]))) if (f.waiting && f.outcome !== 'duplicate') lines.push(`  ${f.name}: ${f.waiting}`);
  return lines.join('\n');
}

function describeChange(change: { created: string[]; updated: string[] }): string {
  const parts = [change.created.length ? `created ${change.created.join(', ')}` : null, change.updated.length ? `updated ${change.updated.join(', ')}` : null].filter(Boolean);
  return parts.join('; ') || 'none';
}

async function readConfigFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new EngineError('invalid-input', `Cannot read the configuration file ${file}: ${systemErrorCode(error) === 'ENOENT' ? 'it does not exist' : error instanceof Error ? error.message : String(error)}.`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new EngineError('invalid-input', `The configuration file ${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`, { fix: 'Nothing was changed.' });
  }
}

/**
 * Reads the values of the secret sources a configuration names: environment variables, or standard
 * input (only one secret may come from stdin). Values are keyed by their keychain name; a missing
 * variable is left out, and the engine reports it with its path in the file.
 */
async function resolveSecretSources(config: unknown, io: CliIo): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  const connections = (config as { connections?: unknown }).connections;
  if (!Array.isArray(connections)) return values;
  const fromStdin: string[] = [];
  for (const c of connections as { id?: unknown; secrets?: Record<string, unknown> }[]) {
    if (typeof c?.id !== 'string' || typeof c.secrets !== 'object' || c.secrets === null) continue;
    for (const [key, source] of Object.entries(c.secrets)) {
      const name = connectionSecretName(c.id, key);
      if (source && typeof source === 'object' && 'env' in source && typeof source.env === 'string') {
        const value = io.env[source.env];
        if (value) values[name] = value;
      } else if (source && typeof source === 'object' && 'stdin' in source) {
        fromStdin.push(name);
      }
    }
  }
  if (fromStdin.length > 1) throw new EngineError('invalid-input', `Only one secret can come from standard input, but the file asks for ${fromStdin.length} (${fromStdin.join(', ')}).`, { fix: 'Give the others with {"env": "VARIABLE"}.' });
  if (fromStdin.length === 1) {
    const value = await readSecret(io, `Value for ${fromStdin[0]}: `);
    if (value) values[fromStdin[0]!] = value;
  }
  return values;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function configureSubcommand(command: Command, io: CliIo): void {
  command
    .exitOverride()
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: (s, write) => write(`ledgerdrop: ${s.replace(/^error: /, '').trim()}\n`),
    });
  for (const sub of command.commands) configureSubcommand(sub, io);
}

export function formatDoctor(report: DoctorReport): string {
  const lines = report.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.id.padEnd(9)} ${c.detail}${c.fix ? `\n                 → ${c.fix}` : ''}`);
  lines.push(report.ok ? 'All checks passed.' : 'Some checks failed.');
  return lines.join('\n');
}

/** Runs the CLI and returns the exit code; never throws and never prints a stack trace. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CliExit) return error.exitCode;
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    const info = toErrorInfo(error);
    io.stderr(`ledgerdrop: ${info.message}\n`);
    if (io.env.LEDGERDROP_DEBUG && error instanceof Error && !(error instanceof EngineError)) io.stderr(`${error.stack ?? ''}\n`);
    return EXIT.failed;
  }
}

/**
 * The typed contract between the renderer, the desktop shell, the CLI and the engine.
 * Every operation has a name, a zod input schema (validated by the shell's IPC relay and again by
 * the engine) and an output schema. Events are what the engine pushes to its hosts.
 * This module has no side effects and uses no Node or DOM API (enforced by lint and tsconfig.shared).
 */
import { z } from 'zod';
import { configFileSchema } from './config-file.ts';
import type { EventName, OperationName } from './operation-names.ts';

import { LANGUAGES } from './languages.ts';
export { LANGUAGES, type Language } from './languages.ts';

/** Names of secrets in the keychain: short, printable, no separators that could escape a namespace. */
export const secretNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'use 1–128 letters, digits, dots, dashes or underscores, starting with a letter or digit');

/** UTF-8 length of a string, without TextEncoder (src/shared uses no host API). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Largest secret we accept: private keys and OAuth refresh tokens fit comfortably. */
export const MAX_SECRET_BYTES = 64 * 1024;

export const engineSettingsSchema = z
  .object({
    /** Language of messages the engine writes (activity log, emails it composes). */
    language: z.enum(LANGUAGES),
    /** How often watch folders on network drives are rescanned, in minutes. */
    rescanIntervalMinutes: z.number().int().min(1).max(24 * 60),
    /** How much the engine writes to its log file. */
    logLevel: z.enum(['error', 'warn', 'info', 'debug']),
    /** An invoice where the client is neither (or both) supplier and customer: hold it for review, or export it anyway. */
    unknownDirection: z.enum(['hold', 'export']),
    /** An e-invoice that breaks its official rules: hold it for review, or export it anyway. */
    invalidEInvoice: z.enum(['hold', 'export']),
  })
  .strict();
export type EngineSettings = z.infer<typeof engineSettingsSchema>;

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  language: 'en',
  rescanIntervalMinutes: 10,
  logLevel: 'info',
  unknownDirection: 'hold',
  invalidEInvoice: 'hold',
};

const empty = z.object({}).strict();

export const engineStateSchema = z.enum(['starting', 'idle', 'closing', 'closed']);
export type EngineState = z.infer<typeof engineStateSchema>;

export const engineStatusSchema = z.object({
  state: engineStateSchema,
  version: z.string(),
  home: z.string(),
  installationId: z.string(),
  startedAt: z.string(),
  database: z.object({ path: z.string(), schemaVersion: z.number().int(), sqliteVersion: z.string() }),
  keychain: z.object({ backend: z.string() }),
});
export type EngineStatus = z.infer<typeof engineStatusSchema>;

export const doctorCheckSchema = z.object({
  id: z.enum(['node', 'home', 'database', 'keychain']),
  ok: z.boolean(),
  /** What was found, in plain language ("Node 24.21.0", "Secret Service: reachable"). */
  detail: z.string(),
  /** When the check failed: what to do about it. */
  fix: z.string().nullable(),
});
export type DoctorCheck = z.infer<typeof doctorCheckSchema>;

export const doctorReportSchema = z.object({
  ok: z.boolean(),
  home: z.string(),
  checks: z.array(doctorCheckSchema),
});
export type DoctorReport = z.infer<typeof doctorReportSchema>;

const secretNameInput = z.object({ name: secretNameSchema }).strict();

export const applyResultSchema = z.object({
  connections: z.object({ created: z.array(z.string()), updated: z.array(z.string()) }),
  clients: z.object({ created: z.array(z.string()), updated: z.array(z.string()) }),
  /** Keychain names of the secrets stored (never their values). */
  secretsStored: z.array(z.string()),
});

export const clientSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  identifiers: z.array(z.string()),
  accountingFileId: z.string().nullable(),
  connection: z.string().nullable(),
  invoicesActivatedAt: z.string().nullable(),
  statementsActivatedAt: z.string().nullable(),
  watchFolders: z.array(z.string()),
});
export type ClientSummary = z.infer<typeof clientSummarySchema>;

export const connectionSummarySchema = z.object({
  id: z.string(),
  service: z.string(),
  name: z.string(),
  families: z.array(z.string()),
  format: z.string(),
  active: z.boolean(),
  status: z.enum(['connected', 'needs-sign-in', 'error']),
  statusMessage: z.string().nullable(),
  clients: z.number().int(),
});
export type ConnectionSummary = z.infer<typeof connectionSummarySchema>;

const intakeOutcomeSchema: z.ZodType<IntakeOutcomeShape> = z.lazy(() =>
  z.object({
    name: z.string(),
    outcome: z.enum(['added', 'duplicate', 'unreadable', 'archive']),
    documentId: z.number().int().nullable(),
    waiting: z.string().nullable(),
    queued: z.number().int(),
    understood: z.boolean().optional(),
    members: z.array(intakeOutcomeSchema).optional(),
  }),
);
export interface IntakeOutcomeShape {
  name: string;
  outcome: 'added' | 'duplicate' | 'unreadable' | 'archive';
  documentId: number | null;
  /** Why it is not being delivered (held for review, baseline, not activated…), or null. */
  waiting: string | null;
  queued: number;
  /** False when Ledgerdrop could not tell what the file is. */
  understood?: boolean | undefined;
  members?: IntakeOutcomeShape[] | undefined;
}

export const connectionTestSchema = z.object({
  ok: z.boolean(),
  /** Plain-language outcome, with what to do when it failed. */
  message: z.string(),
  /** What the user reads (the folder, the server's host key fingerprint, …). */
  facts: z.record(z.string(), z.string()),
  /** Settings the user is asked to confirm, e.g. `{ hostKey: 'SHA256:…' }`. */
  accept: z.record(z.string(), z.string()),
  /** True when `accept` was asked for and those settings are now stored in the connection. */
  accepted: z.boolean(),
});
export type ConnectionTest = z.infer<typeof connectionTestSchema>;

export const intakeReportSchema = z.object({
  files: z.array(intakeOutcomeSchema),
  added: z.number().int(),
  duplicates: z.number().int(),
  unreadable: z.number().int(),
  queued: z.number().int(),
  baseline: z.number().int(),
});
export type IntakeReport = z.infer<typeof intakeReportSchema>;

export const runSummarySchema = z.object({ done: z.number().int(), waiting: z.number().int(), failed: z.number().int() });

export const outboxStatusSchema = z.object({
  /** ISO time, 'indefinitely', or null when deliveries run. */
  pausedUntil: z.string().nullable(),
  deliveries: z.record(z.enum(['queued', 'running', 'done', 'waiting', 'failed', 'cancelled']), z.number().int()),
  heldForReview: z.number().int(),
  problems: z.array(z.object({ deliveryId: z.number().int(), document: z.string(), client: z.string(), connection: z.string(), state: z.string(), message: z.string().nullable(), nextAttemptAt: z.string().nullable() })),
});
export type OutboxStatus = z.infer<typeof outboxStatusSchema>;

export const activityEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  level: z.enum(['info', 'warning', 'error']),
  event: z.string(),
  clientId: z.string().nullable(),
  connectionId: z.string().nullable(),
  message: z.string(),
});
export type ActivityEntry = z.infer<typeof activityEntrySchema>;

export const contract = {
  'engine.status': { input: empty, output: engineStatusSchema },
  'settings.get': { input: empty, output: engineSettingsSchema },
  'settings.set': { input: z.object({ patch: engineSettingsSchema.partial() }).strict(), output: engineSettingsSchema },
  'secrets.set': {
    input: z
      .object({
        name: secretNameSchema,
        value: z
          .string()
          .min(1, 'the secret is empty')
          .refine((v) => utf8Length(v) <= MAX_SECRET_BYTES, `the secret is larger than ${MAX_SECRET_BYTES / 1024} KiB`),
      })
      .strict(),
    output: z.object({ name: z.string(), stored: z.literal(true) }),
  },
  'secrets.delete': { input: secretNameInput, output: z.object({ name: z.string(), deleted: z.boolean() }) },
  'secrets.has': { input: secretNameInput, output: z.object({ name: z.string(), present: z.boolean() }) },
  doctor: { input: empty, output: doctorReportSchema },
  'config.apply': {
    // The file itself is checked by the engine, which reports problems with their path in the file.
    input: z.object({ config: z.unknown(), secretValues: z.record(z.string(), z.string()).default({}) }).strict(),
    output: applyResultSchema,
  },
  'config.export': { input: empty, output: configFileSchema },
  'clients.list': { input: empty, output: z.array(clientSummarySchema) },
  'connections.list': { input: empty, output: z.array(connectionSummarySchema) },
  /**
   * Tries a connection now (reach the server, sign in, check the folder) without delivering
   * anything. With `accept`, stores the settings the test asks the user to confirm (an SFTP host key).
   */
  'connections.test': { input: z.object({ id: z.string().min(1), accept: z.boolean().default(false) }).strict(), output: connectionTestSchema },
  /** Signs in to an OAuth service in the system browser (the `connection.signInUrl` event carries the address too). */
  'connections.signIn': { input: z.object({ id: z.string().min(1) }).strict(), output: connectionTestSchema },
  /** Files or whole folders (recursively), as drag-and-drop gives them. */
  'documents.import': { input: z.object({ clientId: z.string().min(1), paths: z.array(z.string().min(1)).min(1) }).strict(), output: intakeReportSchema },
  /** Scans every watch folder once and takes in what is new since its baseline. */
  'watch.scan': { input: empty, output: intakeReportSchema },
  /**
   * `ledgerdrop run --once`: scans the watch folders and delivers everything that can be delivered
   * now, delivering the first documents while the scan still takes in the rest.
   */
  'run.once': { input: empty, output: z.object({ scanned: intakeReportSchema, delivered: runSummarySchema }) },
  /** Delivers everything that can be delivered now. */
  'outbox.run': { input: empty, output: runSummarySchema },
  'outbox.status': { input: empty, output: outboxStatusSchema },
  /** The tray's "Sync now": scan the watch folders, make waiting deliveries due now, deliver. */
  'sync.now': { input: empty, output: z.object({ scanned: intakeReportSchema, delivered: runSummarySchema }) },
  /** Pauses deliveries for a number of minutes, or until resumed when `minutes` is absent; survives restarts. */
  'outbox.pause': { input: z.object({ minutes: z.number().int().min(1).max(60 * 24 * 366).optional() }).strict(), output: z.object({ pausedUntil: z.string() }) },
  'outbox.resume': { input: empty, output: z.object({ resumed: z.boolean() }) },
  /** Makes one (or every) waiting or failed delivery due now. */
  'outbox.retry': { input: z.object({ deliveryId: z.number().int().positive().optional() }).strict(), output: z.object({ rescheduled: z.number().int() }) },
  'outbox.cancel': { input: z.object({ deliveryId: z.number().int().positive() }).strict(), output: z.object({ cancelled: z.boolean() }) },
  'activity.list': {
    input: z.object({ since: z.iso.datetime({ offset: true }).optional(), limit: z.number().int().min(1).max(10_000).default(200) }).strict(),
    output: z.array(activityEntrySchema),
  },
} as const satisfies Record<OperationName, { input: z.ZodType; output: z.ZodType }>;
// `satisfies` refuses both a missing and an extra operation, so OPERATION_NAMES and the contract agree.

export type Contract = typeof contract;
export type OperationInput<N extends OperationName> = z.input<Contract[N]['input']>;
export type OperationOutput<N extends OperationName> = z.infer<Contract[N]['output']>;

export const eventSchemas = {
  'engine.status': engineStatusSchema,
  'settings.changed': engineSettingsSchema,
  /** Never carries the value: only whether a secret of that name now exists. */
  'secrets.changed': z.object({ name: z.string(), present: z.boolean() }),
  'document.added': z.object({ clientId: z.string(), documentId: z.number().int(), name: z.string() }),
  'delivery.changed': z.object({ deliveryId: z.number().int(), state: z.string(), message: z.string().nullable() }),
  /** Progress of a long run: an import of many files, or the outbox working through its queue. */
  'batch.progress': z.object({ kind: z.enum(['import', 'delivery']), done: z.number().int(), total: z.number().int() }),
  /** Bytes sent of one delivery, for large files. */
  'delivery.progress': z.object({ deliveryId: z.number().int(), bytesSent: z.number().int(), bytesTotal: z.number().int() }),
  /** The sign-in page a connection's sign-in opened in the browser, for the UI to show if the browser did not open. */
  'connection.signInUrl': z.object({ connectionId: z.string(), url: z.string() }),
  /** A connection stopped (sign-in revoked, host key changed, …) or came back into service. */
  'connection.status': z.object({ connectionId: z.string(), status: z.enum(['connected', 'needs-sign-in', 'error']), message: z.string().nullable() }),
} as const satisfies Record<EventName, z.ZodType>;

export type EventPayload<E extends EventName> = z.infer<(typeof eventSchemas)[E]>;

/** Formats a zod error as one line: the JSON path of the first problem and what is wrong with it. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') : '(input)';
      return `${path.startsWith('.') ? path.slice(1) : path}: ${issue.message}`;
    })
    .join('; ');
}

export type { EventName, OperationName } from './operation-names.ts';

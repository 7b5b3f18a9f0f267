/**
 * The connector model (../shared/GUIDE.md §2): each destination — a local folder, SFTP, FTP(S),
 * email, Dropbox, a vendor API — lives in its own folder under src/main/connectors/ and exports one
 * `ConnectorDefinition`. The configuration wizard, `config apply` validation and the outbox are all
 * driven by these declarations, so adding a connector touches one folder plus translations.
 */

export type DocumentFamily = 'invoices' | 'statements';

/** What a connection delivers for e-invoices: the file as received, or a conversion. */
export type ExportFormat = 'original' | 'peppol-bis-3' | 'ubl-be';

export type FieldType = 'text' | 'number' | 'password' | 'email' | 'path' | 'path-template' | 'choice' | 'boolean' | 'host-key';

export interface ConnectorField {
  key: string;
  type: FieldType;
  required: boolean;
  default?: string | number | boolean;
  /** Stored in the OS keychain, never in the database or config files. */
  secret?: boolean;
  /** Shown under "Advanced" in the wizard (algorithms, connection limits, timeouts). */
  advanced?: boolean;
  /** Asked once per connection (server, account) or once per client (dossier mailbox, subfolder). */
  scope: 'connection' | 'client';
  /** For `choice`. */
  choices?: readonly string[];
  /** Translation key of the label/help text; also "where to find this" instructions. */
  helpKey: string;
}

export interface ConnectorLimits {
  /**
   * Deliveries in flight at once for one connection (each with its own session). A connector that
   * declares a connection field `connections` lets the user choose it (1–16) instead.
   */
  concurrency: number;
  /** Most deliveries per minute for one connection, when the service imposes one. */
  perMinute?: number;
}

/** A document ready to send: the bytes to deliver (after any format conversion) and what is known about it. */
export interface DeliveryDocument {
  /** Stable id of the delivery (client, connection, document hash, destination): the idempotency key. */
  deliveryId: string;
  sha256: string;
  family: DocumentFamily;
  direction: 'sales' | 'purchase' | 'unknown' | null;
  kind: string;
  format: string | null;
  /** The file name as it arrived. */
  originalName: string;
  /** When the document arrived (ISO), the `[year]`/`[month]` fallback when it has no issue date. */
  receivedAt: string;
  /** Key fields for path templates and messages. */
  meta: { number: string | null; issueDate: string | null; supplier: string | null; customer: string | null };
  /** The files to deliver, in order: the main document first, then e.g. the PDF alongside the e-invoice. */
  files: readonly { name: string; bytes: Uint8Array; mimeType: string }[];
}

export interface DeliveryClient {
  id: string;
  name: string;
  accountingFileId: string | null;
  /** Per-client field values the connector declared (scope 'client'). */
  fields: Readonly<Record<string, unknown>>;
}

export interface ConnectorContext {
  connectionId: string;
  /** Per-connection settings (non-secret fields). */
  settings: Readonly<Record<string, unknown>>;
  /** Reads one of this connection's secrets from the keychain. */
  secret(key: string): Promise<string | null>;
  /**
   * Stores (or, with null, deletes) one of this connection's secrets in the keychain — e.g. the
   * refresh token a sign-in returned, or a refreshed access token. Throws when no keychain is usable.
   */
  setSecret(key: string, value: string | null): Promise<void>;
  /** Reports bytes sent for large files (progress events). */
  progress?(bytesSent: number, bytesTotal: number): void;
  signal?: AbortSignal;
}

export interface DeliveryReceipt {
  /** Where it went, as the user would look for it (path, message id, remote id). */
  remoteRef: string;
  /** True when the destination already held exactly these bytes (a retry after an unseen success). */
  alreadyThere?: boolean;
}

export interface TestResult {
  ok: boolean;
  /** Plain-language outcome, e.g. "Connected; the folder is writable". */
  message: string;
  /** Facts the user reads, e.g. the folder and an example path, or the server's host key fingerprint. */
  facts?: Record<string, string>;
  /**
   * Settings the user is asked to confirm and keep, e.g. `{ hostKey: 'SHA256:…' }` for an SFTP
   * server seen for the first time. The wizard's "Accept" and `ledgerdrop connections test ID
   * --accept` store them in the connection's settings.
   */
  accept?: Record<string, string>;
}

/**
 * An open connection to the destination (an SSH session, an FTP control connection, an SMTP
 * pool). The outbox opens one per worker when the connector offers it, delivers that worker's
 * documents through it one at a time (never two calls at once on one session), replaces it after
 * a failure, and closes it when the worker is done.
 */
export interface ConnectorSession {
  deliver(doc: DeliveryDocument, client: DeliveryClient): Promise<DeliveryReceipt>;
  /** Must not throw, and must return within a few seconds even when the server does not answer. */
  close(): Promise<void>;
}

/** `deliver` for a connector whose work happens in sessions: one session for this one document. */
export function deliverInOwnSession(openSession: (ctx: ConnectorContext) => Promise<ConnectorSession>): ConnectorDefinition['deliver'] {
  return async (doc, client, ctx) => {
    const session = await openSession(ctx);
    try {
      return await session.deliver(doc, client);
    } finally {
      await session.close();
    }
  };
}

/** What a sign-in flow (OAuth in the system browser) needs from the app or the CLI. */
export interface SignInUi {
  /** Shows the page the user signs in on: opens the system browser, and/or prints the address. */
  openUrl(url: string): void | Promise<void>;
  signal?: AbortSignal;
}

export interface ConnectorDefinition {
  id: string;
  /** Translation key of the display name. */
  nameKey: string;
  families: readonly DocumentFamily[];
  formats: readonly ExportFormat[];
  fields: readonly ConnectorField[];
  /**
   * How the user proves who they are: nothing, secrets typed in (password, private key), and/or an
   * OAuth sign-in in the browser (then `signIn` exists). Email offers both.
   */
  auth: readonly ('none' | 'password' | 'private-key' | 'oauth')[];
  /**
   * Checks what the field declarations cannot (a template's variables, settings that only make
   * sense together), so `config apply` and the wizard refuse them up front instead of the first
   * delivery stopping the connection. Each problem names its key (`settings.<key>`, `fields.<key>`),
   * or '' for a problem of the settings as a whole.
   */
  checkSettings?(settings: Readonly<Record<string, unknown>>): readonly { key: string; problem: string }[];
  checkClientFields?(fields: Readonly<Record<string, unknown>>, settings: Readonly<Record<string, unknown>>): readonly { key: string; problem: string }[];
  limits: ConnectorLimits;
  test(ctx: ConnectorContext): Promise<TestResult>;
  /** Sends one document idempotently; throws DeliveryError (or anything, which counts as retry). */
  deliver(doc: DeliveryDocument, client: DeliveryClient, ctx: ConnectorContext): Promise<DeliveryReceipt>;
  /**
   * Opens a session that delivers many documents over one connection (see ConnectorSession).
   * Connectors without one get `deliver` called for each document. Throws DeliveryError like deliver.
   */
  openSession?(ctx: ConnectorContext): Promise<ConnectorSession>;
  /**
   * Signs in (OAuth: system browser, loopback redirect, tokens to the keychain through
   * ctx.setSecret). Only for `auth.type === 'oauth'`.
   */
  signIn?(ctx: ConnectorContext, ui: SignInUi): Promise<TestResult>;
  /**
   * Removes what an interrupted attempt may have left at the destination (partial files of a killed
   * process, or of a destination that vanished mid-write). Called by the outbox before it delivers
   * again on that connection; no attempt of ours is under way then. Returns false when the
   * destination cannot be reached now (the outbox asks again next time).
   */
  cleanupInterrupted?(clients: readonly DeliveryClient[], ctx: ConnectorContext): Promise<boolean>;
}

/**
 * How a failed delivery continues (rclone's taxonomy):
 * - `retry`: transient (network, 5xx, 429, SMTP 4xx, disk full): back off and try again;
 * - `no-retry`: this document or its path is the problem: the user must act on it;
 * - `fatal-connection`: the connection itself is broken (sign-in revoked, host key changed, quota):
 *   stop the connection for every client until the user fixes it.
 */
export type FailureClass = 'retry' | 'no-retry' | 'fatal-connection';

/**
 * `code` values with a meaning beyond their message: 'needs-sign-in' (with fatal-connection) marks
 * the connection "needs sign-in" instead of "error", so the UI offers the sign-in button.
 */
export const NEEDS_SIGN_IN = 'needs-sign-in';

export class DeliveryError extends Error {
  readonly failure: FailureClass;
  /** Server-requested wait (Retry-After), in milliseconds. */
  readonly retryAfterMs: number | null;
  /** Short stable code for the UI and tests, e.g. 'destination-missing', 'host-key-changed'. */
  readonly code: string;

  constructor(failure: FailureClass, code: string, message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options);
    this.name = 'DeliveryError';
    this.failure = failure;
    this.code = code;
    this.retryAfterMs = options?.retryAfterMs ?? null;
  }
}

/**
 * One SSH connection with its SFTP channel (ssh2-sftp-client over ssh2), and the few SFTP requests
 * the connector needs, as promises that never hang on a dead connection.
 *
 * - Host key: checked in the handshake, before any password or key signature is sent. Nothing
 *   pinned yet, or a different key, ends the handshake (see host-key.ts, errors.ts).
 * - `setNoDelay(true)` right after connecting: with Nagle's algorithm and delayed ACKs every
 *   request/response round trip can stall ~40 ms (facts/feasibility.md §4: 2 MB/s instead of 130).
 *   Instead, the packets of one event-loop turn are corked into one socket write (coalesceWrites).
 * - Uploads are pipelined: up to WRITE_WINDOW bytes of WRITE requests in flight on the one channel,
 *   the way OpenSSH's `sftp` and ssh2's fastPut do (one request at a time is bound by latency).
 * - A connection that dropped (server gone, keepalive unanswered, aborted) rejects every pending and
 *   later request at once, so a delivery fails fast instead of waiting for a reply that never comes.
 * - ssh2-sftp-client no longer retries connecting: connectWithRetry() does, with backoff, for
 *   transient failures only (never for a refused sign-in or host key: no account lock-outs).
 * - end() is bounded: after END_TIMEOUT_MS the socket is destroyed.
 *
 * One SftpConnection serves one outbox worker; callers never run two file operations at once on it
 * except the WRITE/READ requests this module pipelines itself.
 */
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type SftpClient from 'ssh2-sftp-client';
import type * as SftpClientModule from 'ssh2-sftp-client';
import type { Client, ConnectConfig, FileEntryWithStats, SFTPWrapper, Stats } from 'ssh2';
import type { ConnectorContext } from '../types.ts';
import { DeliveryError } from '../types.ts';
import { SFTP_STATUS, connectFailure, statusCode, type HostKeyRefusal } from './errors.ts';
import { describeHostKey, hostKeyMatches, pinsAreEmpty, type SeenHostKey } from './host-key.ts';
import type { SftpSettings } from './settings.ts';

/** ssh2-sftp-client (and ssh2), loaded on first use: an engine without SFTP connections never pays its memory. */
let sftpClientModule: Promise<typeof SftpClientModule> | null = null;
const loadSftpClient = () => (sftpClientModule ??= import('ssh2-sftp-client'));

/** The password and/or private key (with its passphrase) from the keychain. */
export interface Credentials {
  password: string | null;
  privateKey: string | null;
  passphrase: string | null;
}

const READY_TIMEOUT_MS = 20_000;
const KEEPALIVE_INTERVAL_MS = 10_000;
const KEEPALIVE_COUNT_MAX = 3;
const END_TIMEOUT_MS = 3_000;
/** Bytes of WRITE (or READ) requests in flight on one channel: enough to fill a fast link's pipe. */
const WRITE_WINDOW = 2 * 1024 * 1024;
const MAX_CHUNK = 128 * 1024;
/** Connection attempts of connectWithRetry, and the pause before the 2nd, 3rd … (× 0.75–1.25). */
const CONNECT_ATTEMPTS = 3;
const CONNECT_BACKOFF_MS = [500, 1500];

/** Reads this connection's secrets; null when neither a password nor a private key is stored. */
export async function readCredentials(ctx: ConnectorContext): Promise<Credentials | null> {
  let values: (string | null)[];
  try {
    values = await Promise.all([ctx.secret('password'), ctx.secret('privateKey'), ctx.secret('passphrase')]);
  } catch (error) {
    throw new DeliveryError(
      'retry',
      'keychain-unavailable',
      `Ledgerdrop could not read this connection's password or key from the system keychain (${error instanceof Error ? error.message : String(error)}). Unlock the keychain (sign in to this computer's session); Ledgerdrop will try again by itself.`,
      { cause: error },
    );
  }
  const [password, privateKey, passphrase] = values.map((value) => (value === null || value === '' ? null : value));
  if (password === null && privateKey === null) return null;
  return { password: password ?? null, privateKey: privateKey ?? null, passphrase: passphrase ?? null };
}

export function missingCredentials(connectionId: string): DeliveryError {
  return new DeliveryError(
    'fatal-connection',
    'not-configured',
    `No password or private key is stored for this SFTP connection. Store the password (or the private key) your provider gave you in the connection settings, or give it to \`ledgerdrop config apply\` under "secrets" (connection ${connectionId}).`,
  );
}

/** The ssh2 Client under ssh2-sftp-client (public in the library, missing from its type definitions). */
function sshOf(client: SftpClient): Client {
  return (client as unknown as { client: Client }).client;
}

type Callback<T> = (error: Error | null | undefined, value?: T) => void;

export class SftpConnection {
  readonly settings: SftpSettings;
  /** The host key the server showed (already checked against the pinned ones). */
  readonly hostKey: SeenHostKey;
  private readonly client: SftpClient;
  private readonly raw: Client;
  private readonly sftp: SFTPWrapper;
  private lost: Error | null = null;
  private readonly pending = new Set<(error: Error) => void>();
  private homeDir: string | null = null;
  private posixRename: boolean;
  private fsyncSupported = true;
  private readonly chunk: number;

  constructor(client: SftpClient, sftp: SFTPWrapper, settings: SftpSettings, hostKey: SeenHostKey) {
    this.client = client;
    this.raw = sshOf(client);
    this.sftp = sftp;
    this.settings = settings;
    this.hostKey = hostKey;
    // The server's largest WRITE (OpenSSH announces ~255 KB with limits@openssh.com; others get 32 KB).
    const maxWrite = (sftp as unknown as { _maxWriteLen?: unknown })._maxWriteLen;
    this.chunk = Math.min(MAX_CHUNK, typeof maxWrite === 'number' && maxWrite > 0 ? maxWrite : 32 * 1024);
    const extensions = (sftp as unknown as { _extensions?: Record<string, unknown> })._extensions;
    this.posixRename = extensions === undefined || 'posix-rename@openssh.com' in extensions;
    const onGone = (error?: Error) => this.markLost(error ?? new Error('the connection closed'));
    this.raw.on('close', () => onGone());
    this.raw.on('end', () => onGone());
    this.raw.on('error', (error: Error) => onGone(error));
    sftp.on('close', () => onGone(new Error('the SFTP channel closed')));
  }

  get alive(): boolean {
    return this.lost === null;
  }

  private markLost(error: Error): void {
    if (this.lost) return;
    this.lost = Object.assign(new Error(`No response from server: ${error.message}`), { cause: error });
    for (const reject of [...this.pending]) reject(this.lost);
    this.pending.clear();
  }

  /** Runs one SFTP request; rejects at once when the connection is (or goes) away. */
  private call<T>(start: (done: Callback<T>) => void): Promise<T> {
    if (this.lost) return Promise.reject(this.lost);
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        this.pending.delete(fail);
        reject(error);
      };
      this.pending.add(fail);
      try {
        start((error, value) => {
          if (settled) return;
          settled = true;
          this.pending.delete(fail);
          if (error) reject(error);
          else resolve(value as T);
        });
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** The account's start folder (absolute), where relative upload paths begin. */
  async home(): Promise<string> {
    this.homeDir ??= await this.call<string>((done) => this.sftp.realpath('.', done));
    return this.homeDir;
  }

  /** The entry at `path` (not following a link), or null when there is none. */
  async lstat(path: string): Promise<Stats | null> {
    try {
      return await this.call<Stats>((done) => this.sftp.lstat(path, done));
    } catch (error) {
      if (statusCode(error) === SFTP_STATUS.NO_SUCH_FILE) return null;
      throw error;
    }
  }

  mkdir(path: string): Promise<void> {
    return this.call<void>((done) => this.sftp.mkdir(path, done));
  }

  readdir(path: string): Promise<FileEntryWithStats[]> {
    return this.call<FileEntryWithStats[]>((done) => this.sftp.readdir(path, done));
  }

  unlink(path: string): Promise<void> {
    return this.call<void>((done) => this.sftp.unlink(path, done));
  }

  /** Creates a new file for writing; fails (FAILURE on OpenSSH) when something already has the name. */
  createExclusive(path: string): Promise<Buffer> {
    return this.call<Buffer>((done) => this.sftp.open(path, 'wx', done));
  }

  closeHandle(handle: Buffer): Promise<void> {
    return this.call<void>((done) => this.sftp.close(handle, done));
  }

  /** Asks the server to put the file's bytes on its disk (fsync@openssh.com), where it offers that. */
  async fsync(handle: Buffer): Promise<void> {
    if (!this.fsyncSupported) return;
    try {
      await this.call<unknown>((done) => this.sftp.ext_openssh_fsync(handle, done));
    } catch (error) {
      if (!/does not support/i.test(error instanceof Error ? error.message : '') && statusCode(error) !== SFTP_STATUS.OP_UNSUPPORTED) throw error;
      this.fsyncSupported = false;
    }
  }

  /**
   * Renames `from` to `to` atomically: posix-rename@openssh.com where offered, else the plain SFTP
   * rename (which by the protocol fails when `to` exists). The caller checks first that `to` is
   * free: posix-rename would replace it.
   */
  async rename(from: string, to: string): Promise<void> {
    if (this.posixRename) {
      try {
        await this.call<void>((done) => this.sftp.ext_openssh_rename(from, to, done));
        return;
      } catch (error) {
        if (!/does not support/i.test(error instanceof Error ? error.message : '') && statusCode(error) !== SFTP_STATUS.OP_UNSUPPORTED) throw error;
        this.posixRename = false;
      }
    }
    await this.call<void>((done) => this.sftp.rename(from, to, done));
  }

  /**
   * Writes all of `bytes` from offset 0, keeping up to WRITE_WINDOW bytes of requests in flight.
   * `onAllSent` runs once the last WRITE request is on its way (before its answer).
   */
  writeAll(handle: Buffer, bytes: Uint8Array, onProgress?: (written: number) => void, onAllSent?: () => void): Promise<void> {
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.lost) return Promise.reject(this.lost);
    if (data.length === 0) {
      onAllSent?.();
      return Promise.resolve();
    }
    const chunk = this.chunk;
    const window = Math.max(1, Math.min(64, Math.floor(WRITE_WINDOW / chunk)));
    return new Promise<void>((resolve, reject) => {
      let next = 0;
      let written = 0;
      let inFlight = 0;
      let failed = false;
      const fail = (error: Error) => {
        if (failed) return;
        failed = true;
        this.pending.delete(fail);
        reject(error);
      };
      this.pending.add(fail);
      const pump = () => {
        while (!failed && inFlight < window && next < data.length) {
          const offset = next;
          const length = Math.min(chunk, data.length - offset);
          next += length;
          inFlight += 1;
          try {
            this.sftp.write(handle, data, offset, length, offset, (error) => {
              inFlight -= 1;
              if (failed) return;
              if (error) return fail(error);
              written += length;
              onProgress?.(written);
              if (written === data.length) {
                this.pending.delete(fail);
                resolve();
              } else pump();
            });
          } catch (error) {
            return fail(error instanceof Error ? error : new Error(String(error)));
          }
          if (next === data.length) onAllSent?.();
        }
      };
      pump();
    });
  }

  /**
   * Writes `bytes` into a freshly opened file, has the server put them on disk (fsync@openssh.com
   * where offered) and closes the handle. The FSYNC and CLOSE requests follow the last WRITE without
   * waiting for its answer — a server handles one file's requests in the order received
   * (draft-ietf-secsh-filexfer-02 §6) — which saves two round trips per file. The handle is closed
   * whatever fails.
   */
  async writeSyncClose(handle: Buffer, bytes: Uint8Array, onProgress?: (written: number) => void): Promise<void> {
    let finishing: Promise<void> | undefined;
    const finish = (): Promise<void> => {
      if (!finishing) {
        const sync = this.fsync(handle);
        const close = this.closeHandle(handle);
        finishing = sync.then(
          () => close,
          (error: unknown) => close.then(() => Promise.reject(error as Error), () => Promise.reject(error as Error)),
        );
        finishing.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
      }
      return finishing;
    };
    try {
      await this.writeAll(handle, bytes, onProgress, finish);
    } catch (error) {
      await (finishing ?? this.closeHandle(handle)).catch(() => undefined);
      throw error;
    }
    await finish();
  }

  /** True when the file at `path` holds exactly `bytes` (size first, then every byte, read in parallel). */
  async sameBytes(path: string, bytes: Uint8Array, knownSize?: number): Promise<boolean> {
    const size = knownSize ?? (await this.lstat(path))?.size;
    if (size !== bytes.length) return false;
    const handle = await this.call<Buffer>((done) => this.sftp.open(path, 'r', done));
    const expected = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    try {
      let next = 0;
      let same = true;
      const readRange = async (offset: number, length: number): Promise<void> => {
        const buffer = Buffer.allocUnsafe(length);
        let got = 0;
        while (got < length) {
          const n = await this.call<number>((done) => this.sftp.read(handle, buffer, got, length - got, offset + got, (error, bytesRead) => done(error, bytesRead)));
          if (n === 0) break;
          got += n;
        }
        if (got !== length || !buffer.subarray(0, got).equals(expected.subarray(offset, offset + length))) same = false;
      };
      const worker = async (): Promise<void> => {
        while (same && next < expected.length) {
          const offset = next;
          const length = Math.min(this.chunk, expected.length - offset);
          next += length;
          await readRange(offset, length);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.floor(WRITE_WINDOW / this.chunk)) }, worker));
      return same;
    } catch (error) {
      if (statusCode(error) === SFTP_STATUS.EOF) return false;
      throw error;
    } finally {
      await this.closeHandle(handle).catch(() => undefined);
    }
  }

  /** Ends the connection politely, or destroys it after END_TIMEOUT_MS. Never throws. */
  async end(): Promise<void> {
    if (this.lost) {
      this.raw.destroy();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([this.client.end().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, END_TIMEOUT_MS)))]);
    } finally {
      clearTimeout(timer);
      this.markLost(new Error('closed by Ledgerdrop'));
      this.raw.destroy();
    }
  }

  /** Drops the connection at once (an aborted delivery). */
  destroy(): void {
    this.markLost(new Error('aborted'));
    this.raw.destroy();
  }
}

export interface ConnectRequest {
  settings: SftpSettings;
  /** null: only look at the server's host key, never sign in (a test without stored secrets). */
  credentials: Credentials | null;
  signal?: AbortSignal;
}

function secretKind(credentials: Credentials | null): string {
  if (credentials?.password && credentials.privateKey) return 'password and private key';
  return credentials?.privateKey ? 'private key' : 'password';
}

/** One connection attempt. Throws SftpConnectError (a classified DeliveryError). */
export async function connectOnce(request: ConnectRequest): Promise<SftpConnection> {
  const { settings, credentials, signal } = request;
  signal?.throwIfAborted();
  const { default: SftpClientClass } = await loadSftpClient();
  // ssh2-sftp-client's default callbacks print to the console; the connection tracks these events itself.
  const client = new SftpClientClass('ledgerdrop', { error: () => undefined, end: () => undefined, close: () => undefined });
  const ssh = sshOf(client);
  let seen: SeenHostKey | null = null;
  let refusal: HostKeyRefusal = null;
  let firstError: Error | null = null;
  ssh.on('error', (error: Error) => (firstError ??= error));

  const algorithms: NonNullable<ConnectConfig['algorithms']> = {};
  if (settings.kex) algorithms.kex = settings.kex as NonNullable<typeof algorithms.kex>;
  if (settings.ciphers) algorithms.cipher = settings.ciphers as NonNullable<typeof algorithms.cipher>;
  const config: ConnectConfig = {
    host: settings.host,
    port: settings.port,
    username: settings.username,
    readyTimeout: READY_TIMEOUT_MS,
    keepaliveInterval: KEEPALIVE_INTERVAL_MS,
    keepaliveCountMax: KEEPALIVE_COUNT_MAX,
    // Runs during the key exchange, before authentication: a refused key never sees a password.
    hostVerifier: (key: Buffer) => {
      seen = describeHostKey(key);
      if (pinsAreEmpty(settings.hostKeys)) refusal = 'not-confirmed';
      else if (!hostKeyMatches(settings.hostKeys, seen)) refusal = 'changed';
      else if (credentials === null) refusal = 'look-only';
      return refusal === null;
    },
    ...(Object.keys(algorithms).length > 0 ? { algorithms } : {}),
    ...(credentials?.password ? { password: credentials.password } : {}),
    ...(credentials?.privateKey ? { privateKey: credentials.privateKey, ...(credentials.passphrase ? { passphrase: credentials.passphrase } : {}) } : {}),
  };
  const onAbort = () => ssh.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  let sftp: SFTPWrapper;
  try {
    sftp = await client.connect(config);
  } catch (error) {
    ssh.destroy();
    signal?.throwIfAborted();
    throw connectFailure(firstError ?? error, settings, { refusal, seen, secret: secretKind(credentials) });
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  ssh.setNoDelay(true);
  coalesceWrites(ssh);
  return new SftpConnection(client, sftp, settings, seen!);
}

/**
 * ssh2 writes every SSH packet to the socket on its own: one system call per packet, and a file
 * takes several (requests, WRITE chunks, FSYNC, CLOSE). Packets written in the same turn of the
 * event loop are now corked and leave in one write (measured: socket writes were the largest part of
 * the engine's own time in a batch of small files). Nagle stays off: nothing waits beyond this turn.
 */
function coalesceWrites(ssh: Client): void {
  const sock = (ssh as unknown as { _sock?: Socket })._sock;
  if (!sock || typeof sock.cork !== 'function' || typeof sock.uncork !== 'function') return;
  const write = sock.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    sock.uncork();
  };
  sock.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
    if (!corked && !this.destroyed) {
      corked = true;
      this.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as Socket['write'];
}

/** connectOnce, tried again after a pause when the failure is transient (server restarting, network blip). */
export async function connectWithRetry(request: ConnectRequest): Promise<SftpConnection> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectOnce(request);
    } catch (error) {
      if (!(error instanceof DeliveryError) || error.failure !== 'retry' || attempt >= CONNECT_ATTEMPTS) throw error;
      const pause = (CONNECT_BACKOFF_MS[attempt - 1] ?? 1500) * (0.75 + Math.random() * 0.5);
      await delay(pause, undefined, { signal: request.signal });
    }
  }
}

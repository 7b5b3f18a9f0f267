/**
 * Opening a logged-in FTP connection with basic-ftp (passive mode only: basic-ftp asks EPSV, then
 * PASV, and refuses a PASV address other than the server's own; active mode, where the server
 * connects back to us, does not get through the firewalls and NAT of an office anyway).
 *
 * The order matters for the password: connect → TLS → decide whether the certificate is trusted →
 * only then USER/PASS. Trust:
 * - a pinned fingerprint (`certFingerprint`, stored after the user accepted it): the server must
 *   present exactly that certificate, whoever signed it and whatever name it carries — the usual
 *   case for an office server with a certificate it made itself;
 * - otherwise the certificate must be valid for the host name and signed by an authority this
 *   computer trusts (Node's bundled list, plus NODE_EXTRA_CA_CERTS).
 * basic-ftp's own check cannot pin, so the control connection is first opened without verification
 * and its certificate checked here. Data connections (one per upload, listing, download) resume the
 * control connection's TLS session — and with it that session's verification result — so a pinned
 * certificate that no authority vouches for gets a second control connection that trusts exactly it
 * (its only authority, its fingerprint instead of the name check). The data connections get the same
 * options: the pinned certificate, or full verification against the trusted authorities.
 *
 * Every step has a deadline: basic-ftp's timeout covers commands and transfers, but not the TLS
 * handshake of `AUTH TLS`, so each step also runs under `withDeadline`.
 */
import { X509Certificate, createHash } from 'node:crypto';
import type { ConnectionOptions, PeerCertificate, TLSSocket } from 'node:tls';
import type { Client } from 'basic-ftp';

/** basic-ftp, loaded on first use: an engine without FTP connections never pays its memory. */
let basicFtp: Promise<typeof BasicFtpModule> | null = null;
const loadBasicFtp = () => (basicFtp ??= import('basic-ftp'));
import { DeliveryError } from '../types.ts';
import { networkFailure, replyCode, replyText, serverName } from './errors.ts';
import type { FtpSettings } from './settings.ts';
import type * as BasicFtpModule from 'basic-ftp';

/** What the server's certificate says, for messages and the connection test's facts. */
export interface CertificateInfo {
  fingerprint: string;
  subject: string;
  issuer: string;
  validTo: string;
  /** 'authority': signed by an authority this computer trusts; 'pinned': the fingerprint the user accepted. */
  trustedBy: 'authority' | 'pinned' | null;
  /** Why Node did not trust it (e.g. DEPTH_ZERO_SELF_SIGNED_CERT), when it did not. */
  problem: string | null;
}

/** The server's certificate is not trusted (or not the pinned one): fatal for the connection, with what to accept. */
export class CertificateError extends DeliveryError {
  readonly certificate: CertificateInfo;
  constructor(code: 'certificate-untrusted' | 'certificate-changed', message: string, certificate: CertificateInfo) {
    super('fatal-connection', code, message);
    this.certificate = certificate;
  }
}

export interface FtpConnection {
  client: Client;
  /** The login folder (PWD right after login), absolute. */
  home: string;
  /** e.g. "TLSv1.3", or null for plain FTP. */
  tlsProtocol: string | null;
  certificate: CertificateInfo | null;
}

const PROBLEMS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed: the server made it itself',
  SELF_SIGNED_CERT_IN_CHAIN: 'it is signed by an authority this computer does not know (a self-made one)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'it is signed by an authority this computer does not know',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'it is signed by an authority this computer does not know',
  UNABLE_TO_GET_ISSUER_CERT: 'it is signed by an authority this computer does not know',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet (check this computer’s clock)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it was made for another server name',
};

function describeProblem(code: string | null, host: string): string {
  if (code === null) return 'unknown reason';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `it was not made for the name ${host}`;
  return PROBLEMS[code] ?? code;
}

function distinguishedName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}

function certificateOf(socket: TLSSocket, trustedBy: CertificateInfo['trustedBy'], problem: string | null): { info: CertificateInfo; pem: string } | null {
  const peer = socket.getPeerCertificate(false);
  if (!peer || !peer.raw) return null;
  return {
    info: { fingerprint: peer.fingerprint256, subject: distinguishedName(peer.subject), issuer: distinguishedName(peer.issuer), validTo: peer.valid_to, trustedBy, problem },
    pem: new X509Certificate(peer.raw).toString(),
  };
}

/**
 * Runs `step` but gives up after `ms`: closes the client (which ends whatever it waits for) and
 * throws a `timeout` retry error. For steps basic-ftp's own timeout does not cover (TLS handshakes).
 */
export async function withDeadline<T>(client: Client, settings: FtpSettings, doing: string, step: () => Promise<T>, ms = settings.timeoutMs): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Reject first: closing the client also fails the step, and that reason ("closed") must not win the race.
      reject(networkFailure(new Error('Timeout (Ledgerdrop deadline)'), settings, doing));
      client.close();
    }, ms);
  });
  try {
    return await Promise.race([step(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function pinMismatch(settings: FtpSettings, info: CertificateInfo): CertificateError {
  return new CertificateError(
    'certificate-changed',
    `The FTP server ${serverName(settings)} presented a different certificate from the one you accepted (accepted: ${settings.certFingerprint}; now: ${info.fingerprint}). This happens when the server's certificate was renewed, but it is also what an attacker intercepting the connection would cause. Ledgerdrop sent nothing and stopped this connection. Ask whoever runs the server whether they changed the certificate; if the new fingerprint is theirs, accept it by testing the connection again.`,
    info,
  );
}

function untrusted(settings: FtpSettings, info: CertificateInfo, connectionId: string): CertificateError {
  return new CertificateError(
    'certificate-untrusted',
    `The FTP server ${serverName(settings)} presented a certificate this computer does not trust (${describeProblem(info.problem, settings.host)}). Ledgerdrop sent nothing and stopped this connection. Office servers often use a certificate they made themselves: ask whoever runs the server for its SHA-256 fingerprint; if it is ${info.fingerprint}, accept it with \`ledgerdrop connections test ${connectionId} --accept\` (or "Accept" in the connection's test in the app).`,
    info,
  );
}

/** The control connection's certificate, and whether the system's trusted authorities vouch for it (name included). */
function peerCertificate(client: Client, settings: FtpSettings): { info: CertificateInfo; pem: string; authorized: boolean } {
  const socket = client.ftp.socket as TLSSocket;
  const problem = socket.authorized ? null : String(socket.authorizationError ?? 'UNKNOWN');
  const found = certificateOf(socket, null, problem);
  if (found === null) throw new DeliveryError('fatal-connection', 'tls-failed', `The FTP server ${serverName(settings)} did not present a certificate. Check the security setting, then test the connection.`);
  return { ...found, authorized: socket.authorized };
}

/**
 * TLS options that trust exactly the pinned certificate: it is the only trusted authority (a
 * self-signed certificate is its own), and instead of the name check its fingerprint must match —
 * office servers are often reached by an IP address their certificate does not name.
 */
function pinnedOptions(settings: FtpSettings, pem: string): ConnectionOptions {
  return {
    host: settings.host,
    ca: [pem],
    allowPartialTrustChain: true,
    checkServerIdentity: (_host, cert) => {
      if (cert.fingerprint256?.toUpperCase() === settings.certFingerprint) return undefined;
      return Object.assign(new Error(`The server presented a certificate with fingerprint ${cert.fingerprint256}, not the accepted ${settings.certFingerprint}.`), { code: 'ERR_LEDGERDROP_CERT_CHANGED' });
    },
  };
}

/** Opens the control connection (TCP, then TLS as the settings say) without logging in. */
async function open(client: Client, settings: FtpSettings, tls: ConnectionOptions): Promise<void> {
  const server = serverName(settings);
  if (settings.security === 'implicit-tls') {
    await withDeadline(client, settings, `connecting to ${server}`, () => client.connectImplicitTLS(settings.host, settings.port, { ...tls }));
    return;
  }
  await withDeadline(client, settings, `connecting to ${server}`, () => client.connect(settings.host, settings.port));
  if (settings.security !== 'explicit-tls') return;
  try {
    await withDeadline(client, settings, `starting encryption (AUTH TLS) with ${server}`, () => client.useTLS({ ...tls }));
  } catch (error) {
    const code = replyCode(error);
    if (code !== null && code >= 500) {
      throw new DeliveryError(
        'fatal-connection',
        'tls-not-offered',
        `The FTP server ${server} does not offer encryption (it answered AUTH TLS with: ${replyText(error)}). If it offers implicit TLS, set security to implicit-tls (port 990). Otherwise ask whoever runs it to enable FTPS; only if the server is reachable inside your office network alone, and you accept that the password and documents travel readable, set security to none and allowPlainFtp to true.`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Connects, secures, checks the certificate, logs in and switches to binary mode. Throws
 * DeliveryError: wrong password, untrusted certificate, no TLS offered → fatal-connection; network
 * trouble → retry. On failure the client is closed.
 */
export async function connect(settings: FtpSettings, password: string, connectionId: string, signal?: AbortSignal): Promise<FtpConnection> {
  const { Client } = await loadBasicFtp();
  let client = new Client(settings.timeoutMs);
  const server = serverName(settings);
  const onAbort = () => client.close();
  signal?.addEventListener('abort', onAbort, { once: true });
  let stage = `connecting to ${server}`;
  try {
    signal?.throwIfAborted();
    // First without verification, to see the certificate; nothing secret is sent before it is trusted.
    await open(client, settings, { host: settings.host, rejectUnauthorized: false });
    let certificate: CertificateInfo | null = null;
    if (settings.security !== 'none') {
      const { info, pem, authorized } = peerCertificate(client, settings);
      if (settings.certFingerprint !== null) {
        if (info.fingerprint.toUpperCase() !== settings.certFingerprint) throw pinMismatch(settings, info);
        const pinned = pinnedOptions(settings, pem);
        if (!authorized) {
          // Data connections resume this connection's TLS session, and with it its failed
          // verification: connect again, trusting exactly the pinned certificate this time.
          client.close();
          client = new Client(settings.timeoutMs);
          await open(client, settings, pinned);
        }
        client.ftp.tlsOptions = pinned;
        certificate = { ...info, trustedBy: 'pinned' };
      } else {
        if (!authorized) throw untrusted(settings, info, connectionId);
        client.ftp.tlsOptions = { host: settings.host }; // full verification for the data connections
        certificate = { ...info, trustedBy: 'authority' };
      }
    }

    stage = `signing in to ${server}`;
    await withDeadline(client, settings, stage, async () => {
      await client.sendIgnoringError('OPTS UTF8 ON'); // before login, for non-ASCII user names
      try {
        await client.login(settings.username, password);
      } catch (error) {
        const code = replyCode(error);
        if (code === 530 && /encrypt|tls|ssl|secure/i.test(replyText(error))) {
          throw new DeliveryError('fatal-connection', 'tls-required', `The FTP server ${server} requires encryption (it said: ${replyText(error)}). Set security to explicit-tls in the connection settings (and allowPlainFtp back to false), then test the connection.`, { cause: error });
        }
        if (code === 530 || code === 331 || code === 332) {
          throw new DeliveryError(
            'fatal-connection',
            'auth-failed',
            `The FTP server ${server} refused the user name "${settings.username}" or its password (it said: ${replyText(error)}). Check both with whoever runs the server, store the right password (connection settings, or \`ledgerdrop config apply\`), then test the connection. Ledgerdrop stopped this connection so that it does not lock the account by trying again.`,
            { cause: error },
          );
        }
        throw error;
      }
    });
    stage = `preparing the session with ${server}`;
    const home = await withDeadline(client, settings, stage, async () => {
      await client.useDefaultSettings(); // TYPE I (binary), and PBSZ 0 / PROT P (encrypted data) with TLS
      return client.pwd();
    });
    const tlsProtocol = settings.security === 'none' ? null : ((client.ftp.socket as TLSSocket).getProtocol?.() ?? null);
    return { client, home, tlsProtocol, certificate };
  } catch (error) {
    client.close();
    if (signal?.aborted) throw signal.reason;
    throw networkFailure(error, settings, stage);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * How long a refused connection (wrong password, untrusted certificate: fatal-connection) is
 * remembered for the same settings and password. Long enough for the outbox's other workers of the
 * same batch, short enough that "Retry" after the server's administrator fixed the account works.
 */
const REFUSAL_MEMORY_MS = 10_000;
const gates = new Map<string, Promise<unknown>>();
const refusals = new Map<string, { key: string; error: DeliveryError; until: number }>();

/**
 * connect() for deliveries: one sign-in at a time per connection, and a refusal remembered briefly.
 * The outbox runs several workers per connection; without this each would try a wrong password once
 * more, and servers lock an account after a few failed sign-ins. Other settings or another password
 * try again at once. (The connection test always connects for real.)
 */
export async function connectGuarded(settings: FtpSettings, password: string, connectionId: string, signal?: AbortSignal): Promise<FtpConnection> {
  const key = createHash('sha256').update(JSON.stringify({ ...settings, timeoutMs: 0 })).update('\0').update(password).digest('hex');
  const attempt = async (): Promise<FtpConnection> => {
    const refused = refusals.get(connectionId);
    if (refused && refused.key === key && Date.now() < refused.until) throw refused.error;
    try {
      const connection = await connect(settings, password, connectionId, signal);
      refusals.delete(connectionId);
      return connection;
    } catch (error) {
      if (error instanceof DeliveryError && error.failure === 'fatal-connection') refusals.set(connectionId, { key, error, until: Date.now() + REFUSAL_MEMORY_MS });
      throw error;
    }
  };
  const current = (gates.get(connectionId) ?? Promise.resolve()).catch(() => undefined).then(attempt);
  gates.set(connectionId, current);
  try {
    return await current;
  } finally {
    if (gates.get(connectionId) === current) gates.delete(connectionId);
  }
}

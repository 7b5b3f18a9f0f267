/**
 * A real FTP server (vsftpd in the foreground) on 127.0.0.1 for FTP/FTPS tests. Needs root and
 * scripts/test-env.sh (vsftpd, openssl, the account `ledgerdrop-test`).
 *
 *   const ftp = await startFtpServer({ tls: true });  // explicit TLS (AUTH TLS), required for login and data
 *   const dir = await ftp.makeUploadDir();            // fresh, empty, owned by ledgerdrop-test
 *   // basic-ftp: client.access({ host: ftp.host, port: ftp.port, user: ftp.username,
 *   //   password: ftp.password, secure: true, secureOptions: { ca: [ftp.caCert] } })
 *   await ftp.kill(); await ftp.restart();            // a crash mid-transfer, then the server is back
 *   ftp.freeze(); ftp.thaw();                         // a server that stops answering
 *   await ftp.stop();
 *
 * The FTP login directory is the account's home (`root`); paths are not chrooted, so the absolute
 * path returned by makeUploadDir() also works as a remote path.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { getFreePort, getFreePortRange, LOOPBACK } from './free-port.ts';
import { descendantProcesses, makeTempDir, startProcess } from './process.ts';
import type { ManagedProcess } from './process.ts';
import { getTestUser, leaseTestUserPassword, makeTestUserDir, removeTestUserDirs, TEST_USER } from './test-user.ts';
import { generateSelfSignedCert } from './tls-cert.ts';

const VSFTPD = '/usr/sbin/vsftpd';
export const FTP_PAM_SERVICE = 'ledgerdrop-ftp-test';
const PAM_FILE = `/etc/pam.d/${FTP_PAM_SERVICE}`;
/** Same content as scripts/test-env.sh writes. */
const PAM_CONTENT = `# Ledgerdrop test suite (scripts/test-env.sh): password logins to the vsftpd test server.
# Only the local test account may authenticate through this service.
auth     required pam_succeed_if.so quiet user = ${TEST_USER}
auth     required pam_unix.so nodelay
account  required pam_unix.so
session  required pam_permit.so
`;

export interface FtpServerOptions {
  /** Enable explicit FTPS (AUTH TLS) with a fresh self-signed certificate. Default false. */
  tls?: boolean;
  /** With tls: refuse logins and data transfers without TLS. Default true (= tls). */
  forceTls?: boolean;
  /** Number of passive ports (default 20). */
  passivePorts?: number;
  /** Extra vsftpd.conf lines (`key=value`). */
  extraConfig?: readonly string[];
  /** Default 15 s. */
  readyTimeoutMs?: number;
}

export interface FtpServer {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly tls: boolean;
  /** PEM of the self-signed server certificate (trust it as CA); undefined without tls. */
  readonly caCert: string | undefined;
  /** The account's home directory: the FTP login directory. */
  readonly root: string;
  readonly passivePortRange: { min: number; max: number };
  readonly configDir: string;
  /** PID of the current vsftpd listener (changes with restart()). */
  readonly pid: number;
  /** A fresh empty directory under `root`, owned by the test account; removed by stop(). Absolute path. */
  makeUploadDir(prefix?: string): Promise<string>;
  /** vsftpd's stderr plus its protocol log (log_ftp_protocol=YES). */
  logs(): Promise<string>;
  /**
   * Kills vsftpd and every session process at once, as a crash or a power cut would (open transfers
   * break off), but keeps the configuration, the password and the upload dirs for restart().
   */
  kill(): Promise<void>;
  /** Starts vsftpd again (after kill(), or kills it first) on the same port with the same configuration. */
  restart(): Promise<void>;
  /**
   * SIGSTOPs vsftpd and its session processes: the server stops answering while its sockets stay
   * open (the kernel still accepts new TCP connections). thaw() lets it go on.
   */
  freeze(): void;
  thaw(): void;
  /** Stops vsftpd and every session process (SIGTERM, then SIGKILL); removes temp and upload dirs. Idempotent. */
  stop(): Promise<void>;
}

async function ensurePamService(): Promise<void> {
  let current = '';
  try {
    current = await readFile(PAM_FILE, 'utf8');
  } catch {
    // missing
  }
  if (current === PAM_CONTENT) return;
  // Atomic: another test process may be starting vsftpd (and reading the file) right now.
  const tmp = `${PAM_FILE}.${process.pid}.tmp`;
  await writeFile(tmp, PAM_CONTENT, { mode: 0o644 });
  await rename(tmp, PAM_FILE);
}

export async function startFtpServer(options: FtpServerOptions = {}): Promise<FtpServer> {
  const user = getTestUser();
  const tls = options.tls ?? false;
  const forceTls = tls && (options.forceTls ?? true);
  await ensurePamService();

  const { dir: configDir, cleanup: cleanupDir } = await makeTempDir('ledgerdrop-vsftpd-');
  const emptyDir = path.join(configDir, 'empty');
  const configPath = path.join(configDir, 'vsftpd.conf');
  const logPath = path.join(configDir, 'vsftpd.log');
  const userListPath = path.join(configDir, 'user_list');

  let lease: Awaited<ReturnType<typeof leaseTestUserPassword>> | undefined;
  let proc: ManagedProcess | undefined;
  const uploadDirs = new Set<string>();

  try {
    await mkdir(emptyDir, { mode: 0o555 });
    await chmod(emptyDir, 0o555);
    await writeFile(userListPath, `${user.name}\n`, { mode: 0o644 });
    const cert = tls ? await generateSelfSignedCert(configDir, 'vsftpd') : undefined;
    lease = await leaseTestUserPassword();

    const yes = (flag: boolean): string => (flag ? 'YES' : 'NO');
    const writeConfig = async (port: number, pasv: { min: number; max: number }): Promise<void> => {
      const lines = [
        '# Generated by test/helpers/ftp.ts',
        'listen=YES',
        'listen_ipv6=NO',
        'background=NO',
        `listen_address=${LOOPBACK}`,
        `listen_port=${port}`,
        'anonymous_enable=NO',
        'local_enable=YES',
        'write_enable=YES',
        'local_umask=022',
        'chroot_local_user=NO',
        `pam_service_name=${FTP_PAM_SERVICE}`,
        'userlist_enable=YES',
        'userlist_deny=NO',
        `userlist_file=${userListPath}`,
        `secure_chroot_dir=${emptyDir}`,
        'seccomp_sandbox=NO',
        'isolate=NO',
        'isolate_network=NO',
        'connect_from_port_20=NO',
        'port_enable=YES',
        'pasv_enable=YES',
        `pasv_address=${LOOPBACK}`,
        `pasv_min_port=${pasv.min}`,
        `pasv_max_port=${pasv.max}`,
        'dirmessage_enable=NO',
        'hide_ids=NO',
        'use_localtime=NO',
        'utf8_filesystem=YES',
        'max_clients=0',
        'max_per_ip=0',
        // Wrong-password tests should not wait (pam_unix nodelay in the PAM service, too).
        'delay_failed_login=0',
        'delay_successful_login=0',
        'idle_session_timeout=120',
        'data_connection_timeout=60',
        'syslog_enable=NO',
        'xferlog_enable=YES',
        'xferlog_std_format=NO',
        'log_ftp_protocol=YES',
        `vsftpd_log_file=${logPath}`,
        `ssl_enable=${yes(tls)}`,
        ...(cert
          ? [
              `rsa_cert_file=${cert.certPath}`,
              `rsa_private_key_file=${cert.keyPath}`,
              'ssl_ciphers=HIGH',
              'ssl_sslv2=NO',
              'ssl_sslv3=NO',
              'ssl_tlsv1=YES',
              'implicit_ssl=NO',
              // basic-ftp does not reuse the control connection's TLS session for data connections.
              'require_ssl_reuse=NO',
              'ssl_request_cert=NO',
              'allow_anon_ssl=NO',
              `force_local_logins_ssl=${yes(forceTls)}`,
              `force_local_data_ssl=${yes(forceTls)}`,
              'strict_ssl_read_eof=NO',
              'strict_ssl_write_shutdown=NO',
            ]
          : []),
        ...(options.extraConfig ?? []),
        '',
      ];
      await writeFile(configPath, lines.join('\n'), { mode: 0o600 });
    };

    // Ports were free a moment ago; if someone takes one before vsftpd binds, try others.
    let port = 0;
    let pasv = { min: 0, max: 0 };
    for (let attempt = 1; ; attempt++) {
      port = await getFreePort();
      pasv = await getFreePortRange(options.passivePorts ?? 20);
      await writeConfig(port, pasv);
      try {
        proc = await startProcess({
          name: 'vsftpd',
          command: VSFTPD,
          args: [configPath],
          port,
          readyTimeoutMs: options.readyTimeoutMs ?? 15_000,
          logFiles: [logPath],
        });
        break;
      } catch (error) {
        const message = (error as Error).message;
        if (attempt >= 3 || !/could not bind listening/i.test(message)) throw error;
      }
    }

    let stopped = false;
    const leaseRef = lease;
    let procRef = proc;
    let killed = false;
    const frozen = new Set<number>();
    const signalFamily = (signal: NodeJS.Signals): void => {
      for (const pid of [procRef.pid, ...descendantProcesses(procRef.pid).map((p) => p.pid)]) {
        try {
          process.kill(pid, signal);
          if (signal === 'SIGSTOP') frozen.add(pid);
        } catch {
          // gone meanwhile
        }
      }
      if (signal === 'SIGCONT') frozen.clear();
    };
    const thawAll = (): void => {
      for (const pid of frozen) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // gone meanwhile
        }
      }
      frozen.clear();
    };
    const kill = async (): Promise<void> => {
      if (killed) return;
      killed = true;
      thawAll();
      await procRef.stop(0);
    };
    return {
      host: LOOPBACK,
      port,
      username: user.name,
      password: lease.password,
      tls,
      caCert: cert?.cert,
      root: user.home,
      passivePortRange: pasv,
      configDir,
      get pid() {
        return procRef.pid;
      },
      kill,
      async restart() {
        await kill();
        procRef = await startProcess({ name: 'vsftpd', command: VSFTPD, args: [configPath], port, readyTimeoutMs: options.readyTimeoutMs ?? 15_000, logFiles: [logPath] });
        killed = false;
      },
      freeze() {
        signalFamily('SIGSTOP');
      },
      thaw() {
        thawAll();
        signalFamily('SIGCONT');
      },
      async makeUploadDir(prefix = 'ftp-') {
        const dir = await makeTestUserDir(prefix);
        uploadDirs.add(dir);
        return dir;
      },
      async logs() {
        let log = '';
        try {
          log = await readFile(logPath, 'utf8');
        } catch {
          // not written yet
        }
        return `${procRef.output()}${log}`;
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        thawAll();
        await procRef.stop();
        await leaseRef.release();
        await removeTestUserDirs(uploadDirs);
        cleanupDir();
      },
    };
  } catch (error) {
    await proc?.stop();
    await lease?.release();
    cleanupDir();
    throw error;
  }
}

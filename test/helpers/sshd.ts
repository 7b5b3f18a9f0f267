/**
 * A real OpenSSH server (sshd + internal-sftp) on 127.0.0.1 for SFTP tests. Needs root and
 * scripts/test-env.sh (openssh-server, the account `ledgerdrop-test`).
 *
 *   const sshd = await startSshd();
 *   const dir = await sshd.makeUploadDir();          // fresh, empty, owned by ledgerdrop-test
 *   // connect to sshd.host:sshd.port as sshd.username with sshd.password or sshd.privateKey,
 *   // trusting sshd.hostKeyFingerprint; files land in `dir` (an absolute path, valid over SFTP too)
 *   await sshd.kill(); await sshd.restart();          // a crash mid-transfer, then the server is back
 *   await sshd.stop();
 */
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { getFreePort, LOOPBACK } from './free-port.ts';
import { descendantProcesses, makeTempDir, runCommand, startProcess } from './process.ts';
import type { ManagedProcess } from './process.ts';
import { getTestUser, leaseTestUserPassword, makeTestUserDir, removeTestUserDirs } from './test-user.ts';

const SSHD = '/usr/sbin/sshd';

export interface SshdOptions {
  /** Also generate an RSA client key in PEM format (`-----BEGIN RSA PRIVATE KEY-----`) and authorize it. */
  rsaKey?: boolean;
  /** Put the client keys into the authorized_keys file (default true). */
  authorizeClientKeys?: boolean;
  /** Extra sshd_config lines, appended at the end (so `Match` blocks work). */
  extraConfig?: readonly string[];
  /** Default 15 s. */
  readyTimeoutMs?: number;
}

export interface SshdServer {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** Random, set with chpasswd at start (see test-user.ts for how concurrent servers share it). */
  readonly password: string;
  /** Client ed25519 key (OpenSSH format), authorized unless authorizeClientKeys was false. */
  readonly privateKeyPath: string;
  readonly privateKey: string;
  readonly publicKey: string;
  /** Only with `rsaKey: true`: an RSA 2048 client key in PEM format, authorized as well. */
  readonly rsaPrivateKeyPath: string | undefined;
  readonly rsaPrivateKey: string | undefined;
  /** `SHA256:…` as `ssh-keygen -lf` prints it. Changes after replaceHostKey(). */
  hostKeyFingerprint: string;
  /** `ssh-ed25519 AAAA…` (no comment). Changes after replaceHostKey(). */
  hostPublicKey: string;
  /** A known_hosts line for this server: `[127.0.0.1]:port ssh-ed25519 AAAA…`. Changes after replaceHostKey(). */
  knownHostsLine: string;
  /** The account's home directory: the SFTP start directory, where relative uploads land. */
  readonly root: string;
  /** The server's private temp dir (config, keys, pid file). */
  readonly configDir: string;
  /** PID of the running sshd listener. Changes after restart()/replaceHostKey(). */
  pid: number;
  /** A fresh empty directory under `root`, owned by the test account; removed by stop(). Absolute path. */
  makeUploadDir(prefix?: string): Promise<string>;
  /** The sshd's stderr (it runs with -e) since startSshd, across restarts, for debugging. */
  logs(): string;
  /** Stops sshd (SIGTERM, then SIGKILL) and removes its temp dir and upload dirs. Idempotent. */
  stop(): Promise<void>;
  /** Stops and starts sshd again with the same config, host key, port and password (also after kill()). */
  restart(): Promise<void>;
  /**
   * SIGKILLs sshd and every session process at once, as a crash or a power cut would (open transfers
   * break off), but keeps the configuration, keys, password and upload dirs for restart().
   */
  kill(): Promise<void>;
  /** Generates a new host key and restarts (for "host key changed" tests). Returns the new fingerprint. */
  replaceHostKey(): Promise<string>;
}

async function keygen(file: string, type: 'ed25519' | 'rsa', comment: string): Promise<void> {
  await rm(file, { force: true });
  await rm(`${file}.pub`, { force: true });
  const args = ['-q', '-t', type, '-N', '', '-C', comment, '-f', file];
  if (type === 'rsa') args.push('-b', '2048', '-m', 'PEM');
  await runCommand('ssh-keygen', args);
}

/** `SHA256:…` of a public key file, exactly as `ssh-keygen -lf` prints it. */
export async function sshFingerprint(publicKeyFile: string): Promise<string> {
  const { stdout } = await runCommand('ssh-keygen', ['-l', '-E', 'sha256', '-f', publicKeyFile]);
  const fingerprint = stdout.trim().split(/\s+/)[1];
  if (!fingerprint?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -lf output: ${stdout}`);
  return fingerprint;
}

function stripComment(publicKeyLine: string): string {
  return publicKeyLine.trim().split(/\s+/).slice(0, 2).join(' ');
}

export async function startSshd(options: SshdOptions = {}): Promise<SshdServer> {
  const user = getTestUser();
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });

  const { dir: configDir, cleanup: cleanupDir } = await makeTempDir('ledgerdrop-sshd-');
  // sshd reads AuthorizedKeysFile with the user's privileges: the dir must be traversable.
  await chmod(configDir, 0o755);

  const hostKeyPath = path.join(configDir, 'ssh_host_ed25519_key');
  const clientKeyPath = path.join(configDir, 'client_ed25519');
  const rsaKeyPath = options.rsaKey ? path.join(configDir, 'client_rsa.pem') : undefined;
  const authorizedKeysPath = path.join(configDir, 'authorized_keys');
  const configPath = path.join(configDir, 'sshd_config');

  let lease: Awaited<ReturnType<typeof leaseTestUserPassword>> | undefined;
  let proc: ManagedProcess | undefined;
  const uploadDirs = new Set<string>();
  let earlierLogs = '';

  try {
    await Promise.all([
      keygen(hostKeyPath, 'ed25519', 'ledgerdrop-test-host'),
      keygen(clientKeyPath, 'ed25519', 'ledgerdrop-test-client'),
      rsaKeyPath ? keygen(rsaKeyPath, 'rsa', 'ledgerdrop-test-client-rsa') : Promise.resolve(),
    ]);
    const publicKey = stripComment(await readFile(`${clientKeyPath}.pub`, 'utf8'));
    const authorized = [publicKey];
    if (rsaKeyPath) authorized.push(stripComment(await readFile(`${rsaKeyPath}.pub`, 'utf8')));
    await writeFile(authorizedKeysPath, options.authorizeClientKeys === false ? '' : `${authorized.join('\n')}\n`, { mode: 0o644 });
    await chmod(authorizedKeysPath, 0o644);

    lease = await leaseTestUserPassword();

    const writeConfig = async (port: number): Promise<void> => {
      const lines = [
        '# Generated by test/helpers/sshd.ts',
        `Port ${port}`,
        `ListenAddress ${LOOPBACK}`,
        'AddressFamily inet',
        `HostKey ${hostKeyPath}`,
        `PidFile ${path.join(configDir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorizedKeysPath}`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication yes',
        'PermitEmptyPasswords no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'PermitRootLogin no',
        `AllowUsers ${user.name}`,
        'LogLevel VERBOSE',
        'UseDNS no',
        'PrintMotd no',
        'PrintLastLog no',
        'X11Forwarding no',
        'AllowTcpForwarding no',
        'AllowAgentForwarding no',
        'PermitTunnel no',
        'MaxStartups 100:30:200',
        'MaxSessions 50',
        'LoginGraceTime 30',
        'Subsystem sftp internal-sftp',
        ...(options.extraConfig ?? []),
        '',
      ];
      await writeFile(configPath, lines.join('\n'), { mode: 0o644 });
    };

    const launch = (port: number): Promise<ManagedProcess> =>
      startProcess({
        name: 'sshd',
        command: SSHD,
        args: ['-D', '-e', '-f', configPath],
        port,
        readyTimeoutMs: options.readyTimeoutMs ?? 15_000,
      });

    // The port was free a moment ago; if someone takes it before sshd binds, try another one.
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await getFreePort();
      await writeConfig(port);
      try {
        await runCommand(SSHD, ['-t', '-f', configPath]);
        proc = await launch(port);
        break;
      } catch (error) {
        const message = (error as Error).message;
        if (attempt >= 3 || !/Address already in use|Cannot bind any address/i.test(message)) throw error;
      }
    }

    const refreshHostKey = async (): Promise<void> => {
      server.hostPublicKey = stripComment(await readFile(`${hostKeyPath}.pub`, 'utf8'));
      server.hostKeyFingerprint = await sshFingerprint(`${hostKeyPath}.pub`);
      server.knownHostsLine = `[${LOOPBACK}]:${port} ${server.hostPublicKey}`;
    };

    let stopped = false;
    const leaseRef = lease;
    const server: SshdServer = {
      host: LOOPBACK,
      port,
      username: user.name,
      password: lease.password,
      privateKeyPath: clientKeyPath,
      privateKey: await readFile(clientKeyPath, 'utf8'),
      publicKey,
      rsaPrivateKeyPath: rsaKeyPath,
      rsaPrivateKey: rsaKeyPath ? await readFile(rsaKeyPath, 'utf8') : undefined,
      hostKeyFingerprint: '',
      hostPublicKey: '',
      knownHostsLine: '',
      root: user.home,
      configDir,
      pid: proc.pid,
      async makeUploadDir(prefix = 'sftp-') {
        const dir = await makeTestUserDir(prefix);
        uploadDirs.add(dir);
        return dir;
      },
      logs: () => earlierLogs + (proc?.output() ?? ''),
      async stop() {
        if (stopped) return;
        stopped = true;
        await proc?.stop();
        await leaseRef.release();
        await removeTestUserDirs(uploadDirs);
        cleanupDir();
      },
      async restart() {
        if (stopped) throw new Error('sshd was stopped');
        await proc?.stop();
        earlierLogs += proc?.output() ?? '';
        proc = await launch(port);
        server.pid = proc.pid;
      },
      async kill() {
        if (!proc || proc.exitInfo()) return;
        for (const pid of [proc.pid, ...descendantProcesses(proc.pid).map((p) => p.pid)]) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone meanwhile
          }
        }
        await proc.stop(0);
      },
      async replaceHostKey() {
        await keygen(hostKeyPath, 'ed25519', 'ledgerdrop-test-host');
        await refreshHostKey();
        await server.restart();
        return server.hostKeyFingerprint;
      },
    };
    await refreshHostKey();
    return server;
  } catch (error) {
    await proc?.stop();
    await lease?.release();
    cleanupDir();
    throw error;
  }
}

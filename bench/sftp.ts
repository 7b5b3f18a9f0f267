/**
 * `npm run bench -- sftp [--files 2000] [--big-mb 200] [--runs 3]`   (root: it starts an OpenSSH sshd)
 *
 * Ledgerdrop's SFTP connector against a real OpenSSH sshd on 127.0.0.1 (test/helpers/sshd.ts),
 * compared in the same run, to the same server and account, with OpenSSH's `sftp -b` and with
 * `rclone copy` (its defaults: 4 transfers, and a remote `md5sum` per file to verify it; also shown
 * with `--sftp-disable-hashcheck`). Every tool signs in with the same ed25519 key.
 *
 * - N invoices (~20 KB, valid Peppol BIS 3.0) end to end: `config apply`, then `ledgerdrop run
 *   --once` over a watch folder holding them (one process: scan, parse, validate, journal in
 *   SQLite, deliver over SFTP). Also split: `import` (intake) and `run --once` (delivery only).
 *   Target: Ledgerdrop's end-to-end time ≤ rclone's for the same files.
 * - One big file: the connector's own upload (openSession + deliver, as the outbox calls it) against
 *   `sftp -b put` and `rclone copy`. (A 200 MB file cannot go through the pipeline: intake refuses
 *   documents over 100 MB.) Median of --runs. Target: ≥ 0.8× `sftp -b` throughput.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sftpConnector } from '../src/main/connectors/sftp/index.ts';
import type { ConnectorContext } from '../src/main/connectors/types.ts';
import { startSecretService } from '../test/helpers/secret-service.ts';
import { startSshd, type SshdServer } from '../test/helpers/sshd.ts';
import { machine, median, saveResult } from './support.ts';

const REPO = join(import.meta.dirname, '..');
const BUNDLE = join(REPO, 'out/main/cli.js');
/** The bundle when it was built after the SFTP connector last changed, else the sources. */
const CLI = existsSync(BUNDLE) && statSync(BUNDLE).mtimeMs > Math.max(...readdirSync(join(REPO, 'src/main/connectors/sftp')).map((f) => statSync(join(REPO, 'src/main/connectors/sftp', f)).mtimeMs)) ? BUNDLE : join(REPO, 'bin/ledgerdrop.mjs');

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

/**
 * Wall time of a command, in seconds; throws with its output when it fails. Asynchronous on
 * purpose: sshd runs as our child and logs to a pipe this process must keep reading (a blocking
 * spawnSync lets that pipe fill up, and sshd — and the command talking to it — stall).
 */
async function timed(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ seconds: number; stdout: string }> {
  const start = process.hrtime.bigint();
  const child = spawn(command, args, { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (code !== 0) throw new Error(`${command} ${args.slice(0, 3).join(' ')} … failed (${code ?? signal}): ${(stderr || stdout).slice(0, 800)}`);
  return { seconds, stdout };
}

function countFiles(dir: string): number {
  return existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && !e.name.endsWith('.partial')).length : 0;
}

/** ~20 KB valid Peppol BIS 3.0 invoices (the corpus example, its number changed, padded with a comment). */
function invoiceMaker(corpus: string): (n: number) => Buffer {
  const base = readFileSync(join(corpus, 'ubl/peppol_base-example.xml'), 'utf8');
  const padding = `<!-- ${'Ledgerdrop benchmark padding. '.repeat(Math.max(0, Math.ceil((20_000 - base.length) / 30)))}-->\n`;
  return (n) => Buffer.from(base.replace('<cbc:ID>Snippet1</cbc:ID>', `<cbc:ID>BENCH-${n}</cbc:ID>`).replace(/<\/Invoice>\s*$/, `${padding}</Invoice>\n`));
}

export async function main(args: string[]): Promise<void> {
  const files = option(args, 'files', 2000);
  const bigMb = option(args, 'big-mb', 200);
  const runs = option(args, 'runs', 3);
  const corpus = process.env.LEDGERDROP_CORPUS ?? join(REPO, '../shared/corpus');
  const invoice = invoiceMaker(corpus);

  const root = mkdtempSync(join(tmpdir(), 'ledgerdrop-bench-sftp-'));
  const sshd: SshdServer = await startSshd();
  const secrets = await startSecretService();
  try {
    const keyFile = join(root, 'client_key');
    const knownHosts = join(root, 'known_hosts');
    writeFileSync(keyFile, sshd.privateKey, { mode: 0o600 });
    writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
    const sshOptions = ['-i', keyFile, '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'BatchMode=yes', '-P', String(sshd.port)];
    const sftpBatch = (batch: string) => timed('sftp', ['-q', '-b', batch, ...sshOptions, `${sshd.username}@${sshd.host}`]);
    const rcloneTarget = (dir: string) => `:sftp,host=${sshd.host},port=${sshd.port},user=${sshd.username},key_file=${keyFile},known_hosts_file=${knownHosts}:${dir}`;
    const rclone = async (source: string, dir: string, extra: string[] = []) => timed('rclone', ['copy', '--config', '/dev/null', source, rcloneTarget(dir), ...extra]);

    // ---- N small invoices --------------------------------------------------------------------
    const batch = join(root, 'batch');
    mkdirSync(batch);
    let totalBytes = 0;
    for (let i = 0; i < files; i += 1) {
      const bytes = invoice(i);
      totalBytes += bytes.length;
      writeFileSync(join(batch, `inv-${String(i).padStart(5, '0')}.xml`), bytes);
    }
    const env = { ...process.env, ...secrets.env, LD_BENCH_SFTP_KEY: sshd.privateKey };
    const ledgerdrop = (home: string, ...rest: string[]) => timed(process.execPath, [CLI, '--home', home, ...rest], env);
    const setUp = async (name: string, watch: string | null): Promise<{ home: string; remote: string }> => {
      const home = join(root, `home-${name}`);
      const remote = await sshd.makeUploadDir(`bench-${name}-`);
      const config = {
        connections: [
          {
            id: 'sftp',
            service: 'sftp',
            name: 'Bench SFTP',
            families: ['invoices', 'statements'],
            settings: { host: sshd.host, port: sshd.port, username: sshd.username, hostKey: sshd.hostKeyFingerprint, uploadPath: `${remote}/[family]` },
            secrets: { privateKey: { env: 'LD_BENCH_SFTP_KEY' } },
          },
        ],
        clients: [{ id: 'supplier', name: 'Supplier Ltd', identifiers: ['GB1232434'], connection: 'sftp', activate: ['invoices', 'statements'], watchFolders: watch ? [{ path: watch }] : [] }],
      };
      writeFileSync(join(root, `config-${name}.json`), JSON.stringify(config));
      await ledgerdrop(home, 'config', 'apply', join(root, `config-${name}.json`));
      return { home, remote };
    };
    const expectAll = (what: string, dir: string) => {
      const n = countFiles(dir);
      if (n !== files) throw new Error(`${what}: ${n} of ${files} files arrived`);
    };

    const runOnce = async (home: string) => {
      const run = await ledgerdrop(home, 'run', '--once', '--json');
      const outcome = JSON.parse(run.stdout) as { delivered: { done: number; waiting: number; failed: number } };
      if (outcome.delivered.done !== files) throw new Error(`run --once delivered ${JSON.stringify(outcome.delivered)}`);
      return run.seconds;
    };

    // Ledgerdrop end to end, as a scheduled `run --once`: the files land in the (empty at activation)
    // watch folder, then one process scans, understands, journals and delivers them.
    const watch = join(root, 'watch');
    mkdirSync(watch);
    const scan = await setUp('scan', watch);
    await timed('cp', ['-r', `${batch}/.`, watch]);
    const scanSeconds = await runOnce(scan.home);
    expectAll('ledgerdrop run --once (watch folder)', join(scan.remote, 'invoices'));

    // The same split in two: `import` (intake only), then `run --once` (delivery only).
    const split = await setUp('split', null);
    const importSeconds = (await ledgerdrop(split.home, 'import', batch, '--client', 'supplier', '--json')).seconds;
    const deliverSeconds = await runOnce(split.home);
    expectAll('ledgerdrop import + run --once', join(split.remote, 'invoices'));

    const rcloneDir = await sshd.makeUploadDir('bench-rclone-');
    const rcloneSeconds = (await rclone(batch, rcloneDir)).seconds;
    expectAll('rclone copy', rcloneDir);
    const rcloneNoHashDir = await sshd.makeUploadDir('bench-rclone-nohash-');
    const rcloneNoHashSeconds = (await rclone(batch, rcloneNoHashDir, ['--sftp-disable-hashcheck'])).seconds;
    expectAll('rclone copy --sftp-disable-hashcheck', rcloneNoHashDir);
    const sftpDir = await sshd.makeUploadDir('bench-sftp-');
    writeFileSync(join(root, 'put-all'), `put ${batch}/* ${sftpDir}/\n`);
    const sftpSeconds = (await sftpBatch(join(root, 'put-all'))).seconds;
    expectAll('sftp -b', sftpDir);

    // ---- One big file ------------------------------------------------------------------------
    const bigBytes = randomBytes(bigMb * 1024 * 1024);
    const bigFile = join(root, 'big.bin');
    writeFileSync(bigFile, bigBytes);
    const ctx: ConnectorContext = {
      connectionId: 'bench-big',
      settings: { host: sshd.host, port: sshd.port, username: sshd.username, hostKey: sshd.hostKeyFingerprint },
      secret: async (key) => (key === 'privateKey' ? sshd.privateKey : null),
      setSecret: async () => undefined,
    };
    const client = { id: 'supplier', name: 'Supplier Ltd', accountingFileId: null, fields: {} };
    const big = { ours: [] as number[], sftp: [] as number[], rclone: [] as number[] };
    for (let run = 0; run < runs; run += 1) {
      const oursDir = await sshd.makeUploadDir('bench-big-ours-');
      const start = process.hrtime.bigint();
      const session = await sftpConnector.openSession!({ ...ctx, settings: { ...ctx.settings, uploadPath: oursDir } });
      await session.deliver(
        { deliveryId: `big-${run}`, sha256: 'big', family: 'invoices', direction: null, kind: 'pdf', format: 'pdf', originalName: 'big.bin', receivedAt: new Date().toISOString(), meta: { number: null, issueDate: null, supplier: null, customer: null }, files: [{ name: 'big.bin', bytes: bigBytes, mimeType: 'application/octet-stream' }] },
        client,
      );
      await session.close();
      big.ours.push(Number(process.hrtime.bigint() - start) / 1e9);
      if (statSync(join(oursDir, 'big.bin')).size !== bigBytes.length) throw new Error('ledgerdrop: big file incomplete');

      const sftpBig = await sshd.makeUploadDir('bench-big-sftp-');
      writeFileSync(join(root, 'put-big'), `put ${bigFile} ${sftpBig}/big.bin\n`);
      big.sftp.push((await sftpBatch(join(root, 'put-big'))).seconds);
      const rcloneBig = await sshd.makeUploadDir('bench-big-rclone-');
      big.rclone.push((await rclone(bigFile, rcloneBig)).seconds);
    }

    const mbps = (seconds: number) => bigMb / seconds;
    const e2eSeconds = importSeconds + deliverSeconds;
    const result = {
      machine: machine(),
      cli: CLI === BUNDLE ? 'bundle' : 'sources',
      small: { files, megabytes: totalBytes / 1e6, ledgerdropRunOnce: scanSeconds, ledgerdropImport: importSeconds, ledgerdropDeliverOnly: deliverSeconds, rclone: rcloneSeconds, rcloneNoHashcheck: rcloneNoHashSeconds, sftpBatch: sftpSeconds },
      big: { megabytes: bigMb, runs, ledgerdrop: big.ours, sftpBatch: big.sftp, rclone: big.rclone },
    };
    const row = (label: string, seconds: number, note = '') => console.log(`| ${label} | ${seconds.toFixed(2)} s | ${(files / seconds).toFixed(0)} files/s | ${note} |`);
    console.log(`sftp: ${machine().replace(', pinned to core 0', '')}; nothing pinned (client and sshd share the cores); ledgerdrop from ${CLI === BUNDLE ? 'the bundle out/main/cli.js' : 'the sources (npm run build for the bundle)'}`);
    console.log(`\n${files} invoices of ~${Math.round(totalBytes / files / 1000)} KB to OpenSSH sshd on 127.0.0.1`);
    console.log('| tool | time | rate | note |');
    console.log('|---|---|---|---|');
    row('ledgerdrop run --once (watch folder → parsed, validated, journalled, delivered)', scanSeconds, `${(scanSeconds / rcloneSeconds).toFixed(2)}× rclone's time`);
    row('ledgerdrop import + run --once', e2eSeconds, `import ${importSeconds.toFixed(2)} s + delivery ${deliverSeconds.toFixed(2)} s`);
    row('rclone copy (defaults: 4 transfers, md5sum check per file)', rcloneSeconds);
    row('rclone copy --sftp-disable-hashcheck', rcloneNoHashSeconds);
    row('sftp -b (put *, one connection)', sftpSeconds);
    console.log(`target: ledgerdrop end to end ≤ rclone: ${Math.min(scanSeconds, e2eSeconds) <= rcloneSeconds ? 'met' : 'NOT met'}`);
    console.log(`\nOne ${bigMb} MB file, median of ${runs}`);
    console.log('| tool | time | throughput |');
    console.log('|---|---|---|');
    for (const [label, times] of [['ledgerdrop connector (connect + upload + rename + close)', big.ours], ['sftp -b put (incl. connect)', big.sftp], ['rclone copy (incl. connect, md5sum check)', big.rclone]] as const) {
      console.log(`| ${label} | ${median(times).toFixed(2)} s | ${mbps(median(times)).toFixed(0)} MB/s |`);
    }
    const ratio = median(big.sftp) / median(big.ours);
    console.log(`target: ≥ 0.8× sftp throughput: ${ratio.toFixed(2)}× — ${ratio >= 0.8 ? 'met' : 'NOT met'}`);
    console.log(`saved ${saveResult('sftp', result)}`);
  } finally {
    await secrets.stop();
    await sshd.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

import { spawn, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../bin/ledgerdrop.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `ledgerdrop` command in a child process, as a user or a script would. */
export function runLedgerdrop(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; withoutRootPowers?: boolean; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const spawnOptions: SpawnOptions = { cwd: REPO_ROOT, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] };
    const command = [process.execPath, CLI, ...args];
    // root ignores file modes; drop the capabilities that let it, so permission tests mean what they say.
    if (options.withoutRootPowers && process.getuid?.() === 0) command.unshift('setpriv', '--bounding-set', '-dac_override,-dac_read_search', '--');
    const child = spawn(command[0]!, command.slice(1), spawnOptions);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(options.input ?? '');
  });
}

/** The environment with no way to reach a Secret Service. */
export function envWithoutKeychain(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  return env;
}

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The shared corpus of real public sample files: `LEDGERDROP_CORPUS`, else `../shared/corpus` next
 * to the repository. Null when it is not there (tests then skip, with a warning).
 */
export function corpusDir(): string | null {
  const dir = process.env['LEDGERDROP_CORPUS'] || resolve(REPO_ROOT, '../shared/corpus');
  return existsSync(dir) && statSync(dir).isDirectory() ? dir : null;
}

/** Absolute paths of the files in one corpus folder (e.g. "coda"), sorted; [] when absent. */
export function corpusFiles(sub: string): string[] {
  const dir = corpusDir();
  if (!dir) return [];
  const folder = join(dir, sub);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => !name.startsWith('.'))
    .map((name) => join(folder, name))
    .filter((file) => statSync(file).isFile())
    .sort();
}

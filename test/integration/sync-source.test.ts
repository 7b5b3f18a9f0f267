import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncItem, SyncSource } from '../../src/main/intake/sync-source.ts';
import { Pipeline } from '../../src/main/pipeline/pipeline.ts';
import { applyConfig } from '../../src/main/config/apply.ts';
import { openDatabase } from '../../src/main/store/database.ts';
import type { SecretStore } from '../../src/main/secrets/secret-store.ts';
import { DEFAULT_ENGINE_SETTINGS } from '../../src/shared/contract.ts';
import { tempDirs } from '../helpers/temp.ts';
import { codaStatement } from '../helpers/documents.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

/** A sync account holding statements 1..n, that may fail after `failAfter` items (a dropped connection). */
function account(n: number, failAfter = Infinity): SyncSource & { pulledFrom: (string | null)[] } {
  const pulledFrom: (string | null)[] = [];
  return {
    id: 'codabox-office',
    pulledFrom,
    async *pull(cursor: string | null): AsyncIterable<SyncItem> {
      pulledFrom.push(cursor);
      let served = 0;
      for (let i = (cursor ? Number(cursor) : 0) + 1; i <= n; i += 1) {
        if (served++ >= failAfter) throw new Error('connection reset by the service');
        yield { clientId: 'acme', name: `statement-${i}.cod`, bytes: codaStatement(i), cursor: String(i) };
      }
    },
  };
}

const noSecrets: SecretStore = { backend: 'none', set: async () => {}, get: async () => null, delete: async () => false, has: async () => false };

describe('import sync accounts', () => {
  it('takes pulled documents in like dropped files, resumes from the stored cursor, and never takes one twice', async () => {
    const root = temp.make();
    const target = join(root, 'target');
    mkdirSync(target);
    const db = openDatabase(join(root, 'ledgerdrop.db'));
    await applyConfig(db, noSecrets, {
      connections: [{ id: 'f', service: 'local-folder', name: 'F', families: ['statements'], settings: { path: target, pathTemplate: '[original_name]' } }],
      clients: [{ id: 'acme', name: 'ACME', connection: 'f', activate: ['statements'] }],
    }, {});
    const pipeline = new Pipeline({ db, home: root, secrets: noSecrets, settings: () => DEFAULT_ENGINE_SETTINGS });

    const flaky = account(5, 3);
    await expect(pipeline.pullSync(flaky)).rejects.toThrow(/connection reset/);
    const resumed = account(5);
    const report = await pipeline.pullSync(resumed);
    expect(resumed.pulledFrom).toEqual(['3']);
    expect(report).toMatchObject({ added: 2, queued: 2 });
    expect(await pipeline.pullSync(account(5))).toMatchObject({ added: 0, files: [] });

    expect(await pipeline.deliver()).toMatchObject({ done: 5, waiting: 0, failed: 0 });
    expect(readdirSync(target).sort()).toEqual([1, 2, 3, 4, 5].map((i) => `statement-${i}.cod`));
    db.close();
  });
});

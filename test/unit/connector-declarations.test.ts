/** Every shipped connector's declarations are complete: words in every language, sane fields. */
import { describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../src/main/connectors/registry.ts';
import { UI_LANGUAGES, dictionaries } from '../../src/shared/i18n/index.ts';

describe('connector declarations', () => {
  for (const connector of CONNECTORS.values()) {
    it(`${connector.id}: names and field help exist in ${UI_LANGUAGES.join(', ')}`, () => {
      const keys = [connector.nameKey, ...connector.fields.map((f) => f.helpKey)];
      for (const language of UI_LANGUAGES) {
        for (const key of keys) expect(Object.hasOwn(dictionaries[language], key), `${language} ${key}`).toBe(true);
      }
    });

    it(`${connector.id}: field keys are unique, choices have a default among them, OAuth connectors can sign in`, () => {
      const keys = connector.fields.map((f) => f.key);
      expect(new Set(keys).size).toBe(keys.length);
      for (const field of connector.fields) {
        if (field.type === 'choice') {
          expect(field.choices?.length, field.key).toBeGreaterThan(0);
          if (field.default !== undefined) expect(field.choices, field.key).toContain(field.default);
        }
        if (field.secret) expect(field.scope, `${field.key}: secrets belong to the connection`).toBe('connection');
      }
      expect(typeof connector.signIn === 'function').toBe(connector.auth.includes('oauth'));
    });
  }
});

describe('per-connection concurrency', () => {
  it('follows the connections setting where the connector declares it, within 1–16, else its default', async () => {
    const { concurrencyOf } = await import('../../src/main/outbox/outbox.ts');
    const ftp = CONNECTORS.get('ftp')!;
    const local = CONNECTORS.get('local-folder')!;
    expect(concurrencyOf(ftp, '{}')).toBe(ftp.limits.concurrency);
    expect(concurrencyOf(ftp, '{"connections":5}')).toBe(5);
    expect(concurrencyOf(ftp, '{"connections":"1"}')).toBe(1);
    expect(concurrencyOf(ftp, '{"connections":99}')).toBe(16);
    expect(concurrencyOf(ftp, '{"connections":0}')).toBe(1);
    expect(concurrencyOf(local, '{"connections":9}')).toBe(local.limits.concurrency);
  });
});

/**
 * End to end through the real `ledgerdrop` command, a real keychain (gnome-keyring on a private
 * D-Bus) and a real SMTP server: `config apply` (password from an environment variable) →
 * invoices from the corpus issued by and to the client, and a CODA statement, dropped in the
 * watch folder → `run --once` → e-mails to the client's inbound, outbound and statements
 * addresses with the templated subject and the files byte-identical; a 451 on the first try is
 * retried with the same Message-ID, and nothing is sent twice.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLedgerdrop } from '../helpers/cli.ts';
import { corpusDir } from '../helpers/corpus.ts';
import { startSecretService, type SecretService } from '../helpers/secret-service.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.ts';
import { tempDirs } from '../helpers/temp.ts';

const corpus = corpusDir();
if (!corpus) console.warn('Corpus folder absent (LEDGERDROP_CORPUS or ../shared/corpus): the e-mail pipeline test is skipped.');
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const CLIENT_VAT = 'BE0000000196';
const ADDRESSES = { inboundEmail: 'dos-0042-pi@docin.example.test', outboundEmail: 'dos-0042-si@docin.example.test', statementsEmail: 'dos-0042-bank@docin.example.test' };

/** A UBL.BE invoice from the corpus (supplier BE0000000196 → customer BE0000000295), renumbered; `purchase` swaps the parties. */
function invoice(number: string, purchase: boolean): Buffer {
  let xml = readFileSync(join(corpus!, 'efff/ublbe131_UBLBE_BE0000000196_V01-15000001.xml'), 'utf8').replace('<cbc:ID>V01/15000001</cbc:ID>', `<cbc:ID>${number}</cbc:ID>`);
  if (purchase) xml = xml.replaceAll('0000000196', '@@SWAP@@').replaceAll('0000000295', '0000000196').replaceAll('@@SWAP@@', '0000000295');
  return Buffer.from(xml);
}

describe.skipIf(!corpus)('config apply → drop → run --once → e-mails (real SMTP server, real keychain)', () => {
  const temp = tempDirs('ledgerdrop-email-e2e-');
  let keychain: SecretService;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    keychain = await startSecretService();
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp?.stop();
    await keychain?.stop();
    temp.cleanup();
  });

  it('sends each document to the right address, byte-identical, and a retried 451 with the same Message-ID', async () => {
    const root = temp.make();
    const home = join(root, 'home');
    const watch = join(root, 'dupont');
    mkdirSync(watch);
    const caFile = join(root, 'smtp-ca.pem');
    writeFileSync(caFile, smtp.caCert);
    const env = { ...process.env, ...keychain.env, LD_SMTP_PASSWORD: smtp.password };

    const config = {
      connections: [
        {
          id: 'octopus-mail',
          service: 'email',
          name: 'Octopus dossier mailboxes',
          families: ['invoices', 'statements'],
          settings: { host: smtp.host, port: smtp.port, security: 'starttls', from: 'office@fiduciaire.example.test', fromName: 'Fiduciaire Dupont', username: smtp.username, caFile, subjectTemplate: '[client] [direction] [number]' },
          secrets: { password: { env: 'LD_SMTP_PASSWORD' } },
        },
      ],
      clients: [
        { id: 'dupont', name: 'Dupont SA', identifiers: [CLIENT_VAT], accountingFileId: 'DOS-0042', connection: 'octopus-mail', activate: ['invoices', 'statements'], watchFolders: [{ path: watch }], fields: ADDRESSES },
      ],
    };
    writeFileSync(join(root, 'config.json'), JSON.stringify(config));
    const apply = await runLedgerdrop(['--home', home, 'config', 'apply', join(root, 'config.json')], { env });
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('connection.octopus-mail.password');
    expect(readFileSync(join(home, 'ledgerdrop.db')).includes(Buffer.from(smtp.password))).toBe(false);

    const tested = await runLedgerdrop(['--home', home, 'connections', 'test', 'octopus-mail'], { env });
    expect(tested.code).toBe(0);
    expect(tested.stdout).toContain(`OK: Connected to ${smtp.host}:${smtp.port} and signed in as ${smtp.username}.`);
    expect(tested.stdout).toContain('sender: Fiduciaire Dupont <office@fiduciaire.example.test>');
    expect(smtp.dataAttempts).toBe(0);

    const files = new Map<string, Buffer>([
      ['sale-S-101.xml', invoice('S-101', false)],
      ['purchase-P-202.xml', invoice('P-202', true)],
      ['statement.cod', readFileSync(join(corpus!, 'coda/phpcoda_sample8.cod'))],
    ]);
    for (const [name, bytes] of files) writeFileSync(join(watch, name), bytes);

    // The first message the server reads gets "451 try again later".
    smtp.failNext(1, { code: 451, message: '4.7.1 Greylisted, please try again later' });
    const first = await runLedgerdrop(['--home', home, 'run', '--once', '--json'], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(3); // something is waiting
    const outcome = JSON.parse(first.stdout) as { scanned: { added: number }; delivered: { done: number; waiting: number; failed: number }; status: { problems: { message: string | null }[] } };
    expect(outcome.scanned.added).toBe(3);
    expect(outcome.delivered).toEqual({ done: 2, waiting: 1, failed: 0 });
    expect(outcome.status.problems[0]!.message).toContain('451 4.7.1 Greylisted');

    expect((await runLedgerdrop(['--home', home, 'retry'], { env })).code).toBe(0);
    const second = await runLedgerdrop(['--home', home, 'run', '--once', '--json'], { env });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ delivered: { done: 1, waiting: 0, failed: 0 } });

    const messages = await smtp.waitForMessages(3);
    expect(messages).toHaveLength(3);
    const byRecipient = new Map(messages.map((m) => [m.envelope.to.join(','), m]));
    const sale = byRecipient.get(ADDRESSES.outboundEmail)!;
    const purchase = byRecipient.get(ADDRESSES.inboundEmail)!;
    const statement = byRecipient.get(ADDRESSES.statementsEmail)!;
    expect(sale.subject).toBe('Dupont SA sales S-101');
    expect(purchase.subject).toBe('Dupont SA purchase P-202');
    expect(statement.subject).toBe('Dupont SA'); // statements have no direction or number
    for (const [message, name] of [[sale, 'sale-S-101.xml'], [purchase, 'purchase-P-202.xml'], [statement, 'statement.cod']] as const) {
      expect(message.envelope.from).toBe('office@fiduciaire.example.test');
      expect(message.parsed.from?.value).toEqual([{ name: 'Fiduciaire Dupont', address: 'office@fiduciaire.example.test' }]);
      expect(message.secure).toBe(true);
      expect(message.user).toBe(smtp.username);
      expect(message.attachments.map((a) => a.filename)).toEqual([name]); // pdfAlongside is off
      expect(sha(message.attachments[0]!.content), name).toBe(sha(files.get(name)!));
    }

    // The 451'd message and its retry carry the same Message-ID; it was accepted once.
    const refused = smtp.attempts.filter((a) => a.code === 451);
    expect(refused).toHaveLength(1);
    const retried = messages.find((m) => m.messageId === refused[0]!.messageId);
    expect(retried).toBeDefined();
    expect(retried!.envelope.to).toEqual(refused[0]!.envelope.to);
    expect(smtp.attempts).toHaveLength(4);
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(3);

    // The activity names the Message-ID and recipient of each delivery.
    const activity = await runLedgerdrop(['--home', home, 'activity', '--json'], { env });
    const delivered = (JSON.parse(activity.stdout) as { message: string }[]).filter((e) => / delivered: </.test(e.message));
    expect(delivered).toHaveLength(3);
    expect(delivered.map((e) => e.message).join('\n')).toContain(`${retried!.messageId} to ${retried!.envelope.to[0]}`);
    expect(activity.stdout).not.toContain(smtp.password);

    // Nothing more to send.
    const third = await runLedgerdrop(['--home', home, 'run', '--once', '--json'], { env });
    expect(JSON.parse(third.stdout)).toMatchObject({ delivered: { done: 0, waiting: 0, failed: 0 } });
    expect(smtp.attempts).toHaveLength(4);
  });
});

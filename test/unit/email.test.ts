/** The e-mail connector's pure parts: settings, templates, routing, Message-IDs, and what each SMTP failure becomes. */
import { describe, expect, it } from 'vitest';
import { emailConnector } from '../../src/main/connectors/email/index.ts';
import { classifySmtpError, scrub, type FailureContext } from '../../src/main/connectors/email/errors.ts';
import { attachmentName, messageIdFor } from '../../src/main/connectors/email/message.ts';
import { filesToAttach, recipientFor } from '../../src/main/connectors/email/routing.ts';
import { isMailboxAddress, readEmailSettings, senderDomain } from '../../src/main/connectors/email/settings.ts';
import { emailTemplateValues, renderBody, renderSubject, SAMPLE_EMAIL_VALUES, templateProblem } from '../../src/main/connectors/email/template.ts';
import { DeliveryError, NEEDS_SIGN_IN, type DeliveryClient, type DeliveryDocument } from '../../src/main/connectors/types.ts';

const doc = (over: Partial<DeliveryDocument> = {}): DeliveryDocument => ({
  deliveryId: 'acme/mail/abc/main',
  sha256: 'abc',
  family: 'invoices',
  direction: 'purchase',
  kind: 'invoice',
  format: 'peppol-bis-3',
  originalName: 'F-1.xml',
  receivedAt: '2025-03-15T09:30:00.000Z',
  meta: { number: 'F-1', issueDate: '2025-02-28', supplier: 'ACME', customer: 'Dupont' },
  files: [{ name: 'F-1.xml', bytes: new Uint8Array([1, 2, 3]), mimeType: 'application/xml' }],
  ...over,
});
const client = (fields: Record<string, unknown>): DeliveryClient => ({ id: 'dupont', name: 'Dupont SPRL', accountingFileId: null, fields });

describe('settings', () => {
  const base = { host: 'smtp.example.be', from: 'office@example.be' };
  it('defaults to STARTTLS on 587, and takes the usual port of each security mode', () => {
    expect(readEmailSettings(base)).toMatchObject({ security: 'starttls', port: 587, grouping: 'per-document', username: null, caFile: null });
    expect(readEmailSettings({ ...base, security: 'tls' }).port).toBe(465);
    expect(readEmailSettings({ ...base, security: 'none' }).port).toBe(25);
    expect(readEmailSettings({ ...base, security: 'tls', port: 2465 }).port).toBe(2465);
  });
  it.each([
    [{ from: 'office@example.be' }, /No SMTP server is set/],
    [{ host: 'smtp://smtp.example.be', from: 'office@example.be' }, /is not a server name/],
    [{ host: 'smtp.example.be' }, /No sender address/],
    [{ ...base, from: 'Office <office@example.be>' }, /is not an e-mail address/],
    [{ ...base, security: 'ssl' }, /not one of starttls, tls, none/],
    [{ ...base, port: 70000 }, /is not a port number/],
    [{ ...base, caFile: 'ca.pem' }, /not a full path/],
    [{ ...base, subjectTemplate: '[client] [amount]' }, /unknown variable \[amount\]/],
    [{ ...base, grouping: 'zip' }, /grouping "zip"/],
    [{ ...base, username: 'me\r\nRCPT TO:<x@y>' }, /line break/],
  ])('refuses %j with the fix (fatal for the connection)', (settings, message) => {
    let error: unknown;
    try {
      readEmailSettings(settings);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).failure).toBe('fatal-connection');
    expect((error as DeliveryError).message).toMatch(message);
  });
  it('accepts only single plain mailbox addresses', () => {
    for (const ok of ['a@b.be', 'dossier-123-PI@docin.octopus.be', "o'brien+x@sub.example.co.uk", 'info@exämple.be']) expect(isMailboxAddress(ok), ok).toBe(true);
    for (const bad of ['a@b', 'a b@c.be', 'a@b.be, c@d.be', '<a@b.be>', 'a@b.be\r\nBcc: x@y.be', 'a@b.be\n', '"a"@b.be', 'a@@b.be', '.a@b.be', 'a@-b.be', 42, null]) {
      expect(isMailboxAddress(bad), String(bad)).toBe(false);
    }
  });
  it('Message-ID domain: the sender domain, or ledgerdrop.invalid when it is not plain ASCII', () => {
    expect(senderDomain('office@Fiduciaire.BE')).toBe('fiduciaire.be');
    expect(senderDomain('info@exämple.be')).toBe('ledgerdrop.invalid');
  });
});

describe('templates', () => {
  it('renders the known variables case-insensitively, [[ as a literal [, unknown values as empty', () => {
    const values = { ...SAMPLE_EMAIL_VALUES, number: null };
    expect(renderSubject('[[Ledgerdrop] [Client]: [number] [supplier]', values, 'x')).toBe('[Ledgerdrop] Dupont SPRL: ACME Office Supplies');
  });
  it('refuses unknown variables, naming them and the known ones', () => {
    expect(templateProblem('[client] [amount] [URGENT]', 'subject template')).toMatch(/unknown variables \[amount\], \[URGENT\]\. Known variables: \[client\], .*\[files\]\. Write \[\[ for a literal \[/);
    expect(templateProblem('[[URGENT] [client]', 'subject template')).toBeNull();
  });
  it('a subject is one line, whatever the values or the template hold, and at most 250 characters', () => {
    const values = { ...SAMPLE_EMAIL_VALUES, supplier: 'ACME\r\nBcc: x@evil.test\u2028\u202e\u0000' };
    const subject = renderSubject('Invoice\r\nTo: y@evil.test [supplier]', values, 'x');
    expect(subject).toBe('Invoice To: y@evil.test ACME Bcc: x@evil.test');
    expect(renderSubject('[supplier]', { ...values, supplier: 'é'.repeat(400) }, 'x')).toHaveLength(250);
    expect(renderSubject('[number]', { ...values, number: null }, 'fallback.xml')).toBe('fallback.xml');
  });
  it('the body keeps the template’s lines, but a value never adds one', () => {
    const body = renderBody('Line 1 [client]\r\nLine 2: [supplier]', { ...SAMPLE_EMAIL_VALUES, supplier: 'A\nB' });
    expect(body).toBe('Line 1 Dupont SPRL\nLine 2: A B');
  });
  it('values come from the document and client; statements have no direction', () => {
    const values = emailTemplateValues(doc({ family: 'statements', direction: null, meta: { number: null, issueDate: null, supplier: null, customer: null } }), client({}), ['bank.cod']);
    expect(values).toMatchObject({ client: 'Dupont SPRL', accounting_file_id: 'dupont', direction: null, year: '2025', month: '03', original_name: 'bank.cod', extension: 'cod', files: 'bank.cod' });
    expect(emailTemplateValues(doc({ direction: null }), client({}), ['F-1.xml']).direction).toBe('unknown');
    expect(emailTemplateValues(doc(), client({}), ['F-1.xml'])).toMatchObject({ year: '2025', month: '02', issue_date: '2025-02-28' });
  });
  it('attachment names lose control characters and path separators', () => {
    expect(attachmentName('in\r\nBcc: x.xml', 'd.xml')).toBe('in Bcc_ x.xml');
    expect(attachmentName('../../etc/passwd', 'd.xml')).toBe('__.._etc_passwd');
    expect(attachmentName('', 'd.xml')).toBe('d.xml');
  });
});

describe('routing', () => {
  const all = { inboundEmail: 'in@x.be', outboundEmail: 'out@x.be', statementsEmail: 'bank@x.be' };
  it.each([
    ['purchase', 'invoices', all, 'in@x.be', 'inboundEmail'],
    ['sales', 'invoices', all, 'out@x.be', 'outboundEmail'],
    ['unknown', 'invoices', all, 'in@x.be', 'inboundEmail'],
    [null, 'invoices', all, 'in@x.be', 'inboundEmail'],
    [null, 'statements', all, 'bank@x.be', 'statementsEmail'],
    ['sales', 'invoices', { inboundEmail: 'in@x.be', sameAddress: true }, 'in@x.be', 'inboundEmail'],
    [null, 'statements', { inboundEmail: 'in@x.be', sameAddress: true }, 'in@x.be', 'inboundEmail'],
    [null, 'statements', { ...all, sameAddress: true }, 'bank@x.be', 'statementsEmail'],
    ['sales', 'invoices', { ...all, sameAddress: 'true' }, 'out@x.be', 'outboundEmail'],
  ] as const)('%s %s with %j → %s', (direction, family, fields, address, field) => {
    expect(recipientFor(doc({ direction, family }), client(fields))).toEqual({ address, field });
  });
  it.each([
    ['sales', 'invoices', { inboundEmail: 'in@x.be' }, /outboundEmail .*or set sameAddress/],
    ['purchase', 'invoices', { outboundEmail: 'out@x.be' }, /no e-mail address for purchase invoices\. Fill in the client's inboundEmail/],
    [null, 'statements', { inboundEmail: 'in@x.be' }, /bank statements\. Fill in the client's statementsEmail/],
    ['purchase', 'invoices', { inboundEmail: '  ' }, /inboundEmail/],
  ] as const)('%s %s with %j: no-retry naming the field', (direction, family, fields, message) => {
    expect(() => recipientFor(doc({ direction, family }), client(fields))).toThrow(message);
    try {
      recipientFor(doc({ direction, family }), client(fields));
    } catch (error) {
      expect(error).toMatchObject({ failure: 'no-retry', code: 'address-missing' });
    }
  });
  it('attachPdf: unset follows the connection, false drops the added PDF, the main file always stays', async () => {
    const pdf = { name: 'F-1.pdf', bytes: new Uint8Array([37, 80, 68, 70]), mimeType: 'application/pdf' };
    const withPdf = doc({ files: [...doc().files, pdf] });
    expect((await filesToAttach(withPdf, client({}))).map((f) => f.name)).toEqual(['F-1.xml', 'F-1.pdf']);
    expect((await filesToAttach(withPdf, client({ attachPdf: true }))).map((f) => f.name)).toEqual(['F-1.xml', 'F-1.pdf']);
    expect((await filesToAttach(withPdf, client({ attachPdf: false }))).map((f) => f.name)).toEqual(['F-1.xml']);
    const scan = doc({ kind: 'pdf', files: [pdf] });
    expect((await filesToAttach(scan, client({ attachPdf: false }))).map((f) => f.name)).toEqual(['F-1.pdf']);
    await expect(filesToAttach(doc({ files: [] }), client({}))).rejects.toMatchObject({ failure: 'no-retry', code: 'nothing-to-deliver' });
  });
});

describe('Message-ID', () => {
  it('is stable for one delivery, different for another, and per file part', () => {
    const id = messageIdFor('c/n/sha/main', 'office@example.be');
    expect(id).toMatch(/^<[0-9a-f]{40}\.ld@example\.be>$/);
    expect(messageIdFor('c/n/sha/main', 'office@example.be')).toBe(id);
    expect(messageIdFor('c/n/sha2/main', 'office@example.be')).not.toBe(id);
    expect(messageIdFor('c/n/sha/main', 'office@example.be', 0)).not.toBe(id);
    expect(messageIdFor('c/n/sha/main', 'office@example.be', 1)).not.toBe(messageIdFor('c/n/sha/main', 'office@example.be', 0));
  });
});

describe('what an SMTP failure becomes', () => {
  const secret = 'S3cret-Passw0rd!';
  const ctx: FailureContext = { phase: 'send', host: 'smtp.example.be', port: 587, security: 'starttls', user: 'me@example.be', authKind: 'password', from: 'me@example.be', secrets: [secret], recipient: { address: 'in@x.be', field: 'inboundEmail', clientName: 'Dupont' }, document: 'F-1.xml' };
  const smtpError = (code: string, command: string, response?: string, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error(`failed${response ? `: ${response}` : ''}`), { code, command, ...(response ? { response, responseCode: Number(response.slice(0, 3)) } : {}), ...extra });

  it.each([
    ['a 4xx to the message', smtpError('EMESSAGE', 'DATA', '451 4.7.1 Greylisted'), 'retry', 'server-busy'],
    ['421 closing', smtpError('EENVELOPE', 'MAIL FROM', '421 4.3.2 Service shutting down'), 'retry', 'server-busy'],
    ['452 mailbox full', smtpError('EENVELOPE', 'RCPT TO', '452 4.2.2 Mailbox full'), 'retry', 'server-busy'],
    ['503 bad sequence', smtpError('EMESSAGE', 'DATA', '503 5.5.1 Bad sequence'), 'retry', 'server-busy'],
    ['a 5xx to the message', smtpError('EMESSAGE', 'DATA', '554 5.7.1 Spam'), 'no-retry', 'message-refused'],
    ['552 too big', smtpError('EMESSAGE', 'DATA', '552 5.3.4 Message size exceeds fixed limit'), 'no-retry', 'too-large'],
    ['a 5xx to the recipient', smtpError('EENVELOPE', 'RCPT TO', '550 5.1.1 User unknown'), 'no-retry', 'recipient-refused'],
    ['a 5xx to the sender', smtpError('EENVELOPE', 'MAIL FROM', '553 5.7.1 Sender rejected'), 'fatal-connection', 'sender-refused'],
    ['530 sign-in required', smtpError('EENVELOPE', 'MAIL FROM', '530 5.7.0 Authentication required'), 'fatal-connection', 'sign-in-required'],
    ['535 wrong password', smtpError('EAUTH', 'AUTH PLAIN', '535 5.7.8 Authentication credentials invalid'), 'fatal-connection', 'auth-failed'],
    ['Microsoft 365 without basic auth', smtpError('EAUTH', 'AUTH LOGIN', '535 5.7.139 Authentication unsuccessful, basic authentication is disabled'), 'fatal-connection', 'password-sign-in-disabled'],
    ['454 auth unavailable', smtpError('EAUTH', 'AUTH PLAIN', '454 4.7.0 Temporary authentication failure'), 'retry', 'auth-unavailable'],
    ['connection refused', smtpError('ESOCKET', 'CONN', undefined, { originalCode: 'ECONNREFUSED' }), 'retry', 'server-unreachable'],
    ['DNS', smtpError('EDNS', 'CONN', undefined, { originalCode: 'ENOTFOUND' }), 'retry', 'server-unreachable'],
    ['a dropped connection', smtpError('ECONNECTION', 'CONN'), 'retry', 'connection-lost'],
    ['a timeout', smtpError('ETIMEDOUT', 'CONN'), 'retry', 'timeout'],
    ['an untrusted certificate', smtpError('ESOCKET', 'CONN', undefined, { originalCode: 'SELF_SIGNED_CERT_IN_CHAIN' }), 'fatal-connection', 'certificate-untrusted'],
    ['a name mismatch', smtpError('ESOCKET', 'CONN', undefined, { originalCode: 'ERR_TLS_CERT_ALTNAME_INVALID' }), 'fatal-connection', 'certificate-untrusted'],
    ['STARTTLS refused', smtpError('ETLS', 'STARTTLS', '502 5.5.1 Unrecognized command'), 'fatal-connection', 'starttls-unavailable'],
    ['anything else', new Error('boom'), 'retry', 'unexpected'],
  ])('%s → %s %s', (_what, error, failure, code) => {
    expect(classifySmtpError(error, ctx)).toMatchObject({ failure, code });
  });

  it('a TLS handshake error is a settings problem while connecting, a lost connection later', () => {
    const tls = smtpError('ESOCKET', 'CONN', undefined, { originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER' });
    expect(classifySmtpError(tls, { ...ctx, phase: 'connect' })).toMatchObject({ failure: 'fatal-connection', code: 'tls-failed' });
    expect(classifySmtpError(tls, ctx)).toMatchObject({ failure: 'retry', code: 'connection-lost' });
  });

  it('a refused token asks to sign in again', () => {
    const error = classifySmtpError(smtpError('EAUTH', 'AUTH XOAUTH2', '535 5.7.3 Authentication unsuccessful'), { ...ctx, authKind: 'oauth' });
    expect(error).toMatchObject({ failure: 'fatal-connection', code: NEEDS_SIGN_IN });
  });

  it('shows the server’s reply, never a secret in any form, and no control characters', () => {
    const b64 = Buffer.from(secret).toString('base64');
    const plain = Buffer.from(`\u0000me@example.be\u0000${secret}`).toString('base64');
    const error = classifySmtpError(smtpError('EMESSAGE', 'DATA', `554 5.7.1 Refused ${secret} ${b64} ${plain}\r\nBcc: x`), ctx);
    expect(error.message).toContain('The server answered: "554 5.7.1 Refused *** *** *** Bcc: x"');
    expect(error.message).not.toContain(secret);
    expect(scrub(`a\u0000b\r\nc ${'x'.repeat(400)}`, [])).toHaveLength(300);
  });

  it('a DeliveryError passes through unchanged', () => {
    const original = new DeliveryError('no-retry', 'x', 'y');
    expect(classifySmtpError(original, ctx)).toBe(original);
  });
});

describe('config apply checks the e-mail settings up front', () => {
  it('refuses a subject template with an unknown variable and a missing sender, naming the key', () => {
    const problems = emailConnector.checkSettings!({ host: 'smtp.example.be', from: 'office@example.be', subjectTemplate: 'Invoice [nonsense]' });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.key).toBe('subjectTemplate');
    expect(problems[0]!.problem).toMatch(/nonsense/);
    expect(emailConnector.checkSettings!({ host: 'smtp.example.be' })[0]!.problem).toMatch(/No sender address/);
    expect(emailConnector.checkSettings!({ host: 'smtp.example.be', from: 'office@example.be' })).toEqual([]);
  });
});

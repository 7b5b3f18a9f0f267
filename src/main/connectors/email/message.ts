/**
 * The e-mails of one delivery: by default one e-mail per document with its files attached
 * (grouping `per-document`); with `per-file`, one e-mail per file, for import mailboxes that take
 * each e-mail as one document.
 *
 * Each e-mail has a Message-ID derived from the delivery id (and the file's place with per-file),
 * so a retried delivery sends the same Message-ID again and a receiving system that drops
 * duplicates by Message-ID keeps one copy. SMTP itself cannot tell whether a message whose
 * acceptance we never heard of (connection lost after the final ".") arrived; this is what makes
 * such a resend recognisable.
 */
import { createHash } from 'node:crypto';
import type MailComposer from 'nodemailer/lib/mail-composer';
import { sanitizeSegment, sanitizeValue } from '../path-template.ts';
import type { DeliveryClient, DeliveryDocument } from '../types.ts';
import type { Recipient } from './routing.ts';
import { senderDomain, type EmailSettings } from './settings.ts';
import { emailTemplateValues, oneLine, renderBody, renderSubject } from './template.ts';
import type * as MailComposerModule from 'nodemailer/lib/mail-composer';

/** nodemailer's MIME composer, loaded on first use (see smtp.ts). */
let mailComposer: Promise<typeof MailComposerModule> | null = null;
const loadMailComposer = () => (mailComposer ??= import('nodemailer/lib/mail-composer'));

export interface OutgoingEmail {
  messageId: string;
  recipient: Recipient;
  subject: string;
  /** Attachment names as sent. */
  fileNames: string[];
  /** The whole message, ready for DATA. */
  raw: Buffer;
}

/** `<40 hex digits.ld@sender-domain>`: stable for one delivery (and one file of it with per-file). */
export function messageIdFor(deliveryId: string, from: string, part: number | null = null): string {
  const key = part === null ? deliveryId : `${deliveryId}\n#${part}`;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 40);
  return `<${hash}.ld@${senderDomain(from)}>`;
}

/** An attachment name that cannot break the MIME headers or a mail program: no control characters, no path. */
export function attachmentName(name: string, fallback: string): string {
  const cleaned = sanitizeValue(name);
  return cleaned === '' ? sanitizeSegment(sanitizeValue(fallback) || 'document') : sanitizeSegment(cleaned);
}

export async function composeEmails(
  doc: DeliveryDocument,
  client: DeliveryClient,
  files: DeliveryDocument['files'],
  recipient: Recipient,
  settings: EmailSettings,
  now: Date = new Date(),
): Promise<OutgoingEmail[]> {
  const named = files.map((file) => ({ ...file, name: attachmentName(file.name, doc.originalName) }));
  const groups = settings.grouping === 'per-file' && named.length > 1 ? named.map((file, index) => ({ files: [file], part: index as number | null })) : [{ files: named, part: null as number | null }];
  const emails: OutgoingEmail[] = [];
  for (const group of groups) {
    const fileNames = group.files.map((file) => file.name);
    const values = emailTemplateValues(doc, client, fileNames);
    const subject = renderSubject(settings.subjectTemplate, values, fileNames[0] ?? doc.originalName);
    const messageId = messageIdFor(doc.deliveryId, settings.from, group.part);
    const fromName = settings.fromName === null ? '' : oneLine(settings.fromName);
    const { default: Composer } = await loadMailComposer();
    const composer: MailComposer = new Composer({
      from: fromName ? { name: fromName, address: settings.from } : settings.from,
      to: recipient.address,
      subject,
      messageId,
      date: now,
      text: renderBody(settings.bodyTemplate, values),
      attachments: group.files.map((file) => ({ filename: file.name, content: Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength), contentType: file.mimeType, contentTransferEncoding: 'base64' })),
      headers: {
        // RFC 3834: a machine sent this; no out-of-office or other automatic replies, please.
        'Auto-Submitted': 'auto-generated',
        'X-Auto-Response-Suppress': 'All',
      },
      disableFileAccess: true,
      disableUrlAccess: true,
      newline: 'windows',
    });
    emails.push({ messageId, recipient, subject, fileNames, raw: await composer.compile().build() });
  }
  return emails;
}

// Minimal type declarations for test-only packages that ship no types of their own.
// (nodemailer, smtp-server and basic-ftp ship their own .d.ts files.)

declare module 'mailparser' {
  import type { Readable } from 'node:stream';

  export interface EmailAddress {
    address?: string;
    name: string;
    group?: EmailAddress[];
  }

  export interface AddressObject {
    value: EmailAddress[];
    html: string;
    text: string;
  }

  export interface Attachment {
    type: 'attachment';
    content: Buffer;
    contentType: string;
    contentDisposition?: string;
    filename?: string;
    headers: Map<string, unknown>;
    checksum: string;
    size: number;
    contentId?: string;
    cid?: string;
    related?: boolean;
  }

  export interface ParsedMail {
    attachments: Attachment[];
    headers: Map<string, unknown>;
    headerLines: { key: string; line: string }[];
    subject?: string;
    from?: AddressObject;
    to?: AddressObject | AddressObject[];
    cc?: AddressObject | AddressObject[];
    bcc?: AddressObject | AddressObject[];
    replyTo?: AddressObject;
    date?: Date;
    messageId?: string;
    inReplyTo?: string;
    references?: string | string[];
    text?: string;
    html?: string | false;
    textAsHtml?: string;
    priority?: 'normal' | 'low' | 'high';
  }

  export interface SimpleParserOptions {
    skipHtmlToText?: boolean;
    skipTextToHtml?: boolean;
    skipImageLinks?: boolean;
    skipTextLinks?: boolean;
    keepCidLinks?: boolean;
    checksumAlgo?: string;
    maxHtmlLengthToParse?: number;
  }

  export function simpleParser(source: Readable | Buffer | string, options?: SimpleParserOptions): Promise<ParsedMail>;
}

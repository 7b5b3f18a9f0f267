/**
 * The declarative set-up file of `ledgerdrop config apply` (documented in the README): connections
 * (accounting-package configurations) and clients. Validated field by field by the engine against
 * each connector's declared fields, so a problem is reported with its JSON path.
 */
import { z } from 'zod';
import { LANGUAGES } from './languages.ts';

export const FAMILIES = ['invoices', 'statements'] as const;
export const EXPORT_FORMATS = ['original', 'peppol-bis-3', 'ubl-be'] as const;

export const configIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'use 1–64 letters, digits, dashes or underscores');

/** Where a secret's value comes from at apply time: an environment variable, or standard input. Never the file itself. */
export const secretSourceSchema = z.union([z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') }).strict(), z.object({ stdin: z.literal(true) }).strict()]);

export const connectionConfigSchema = z
  .object({
    id: configIdSchema,
    service: z.string().min(1),
    name: z.string().min(1).max(200),
    families: z.array(z.enum(FAMILIES)).min(1, 'name at least one family: invoices, statements'),
    settings: z.record(z.string(), z.unknown()).default({}),
    secrets: z.record(z.string(), secretSourceSchema).default({}),
    format: z.enum(EXPORT_FORMATS).default('original'),
    pdfAlongside: z.boolean().default(false),
    active: z.boolean().default(true),
    termsAccepted: z.boolean().default(false),
  })
  .strict();

export const watchFolderConfigSchema = z
  .object({
    path: z.string().min(1),
    polling: z.boolean().default(false),
    moveProcessed: z.boolean().default(false),
  })
  .strict();

export const clientConfigSchema = z
  .object({
    id: configIdSchema,
    name: z.string().min(1).max(200),
    identifiers: z.array(z.string().min(1)).default([]),
    language: z.enum(LANGUAGES).default('en'),
    accountingFileId: z.string().min(1).max(100).nullable().default(null),
    share: z.boolean().default(true),
    connection: configIdSchema.nullable().default(null),
    activate: z.array(z.enum(FAMILIES)).default([]),
    watchFolders: z.array(watchFolderConfigSchema).default([]),
    fields: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const configFileSchema = z
  .object({
    connections: z.array(connectionConfigSchema).default([]),
    clients: z.array(clientConfigSchema).default([]),
  })
  .strict();

export type ConfigFile = z.infer<typeof configFileSchema>;
export type ConnectionConfig = z.infer<typeof connectionConfigSchema>;
export type ClientConfig = z.infer<typeof clientConfigSchema>;
export type ConfigFileInput = z.input<typeof configFileSchema>;

/** The keychain name of a connection's secret field. */
export function connectionSecretName(connectionId: string, key: string): string {
  return `connection.${connectionId}.${key}`;
}

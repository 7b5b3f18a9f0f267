/**
 * The SFTP connection's settings, read and checked once per use: the server, the accepted host
 * key, the upload path, advanced SSH algorithm choices and the connection limit. Problems become
 * plain sentences that say what to change (the caller turns them into a DeliveryError or a failed
 * test).
 *
 * Upload path: where files go on the server, relative to the account's start (home) folder unless
 * it starts with `/`. It names a folder (default `Invoice_import/`) and may use the path-template
 * variables (`Invoice_import/[accounting_file_id]/[year]`); files keep their own names there. When
 * its last part uses `[original_name]` or `[extension]`, that part is the file name instead
 * (`Import/[supplier]-[number].[extension]`). Every name is made safe by renderPathTemplate.
 */
import { TEMPLATE_VARIABLES, validateTemplate } from '../path-template.ts';
import { parseHostKeyPins } from './host-key.ts';

export const DEFAULT_PORT = 22;
export const DEFAULT_UPLOAD_PATH = 'Invoice_import/';
/** SSH connections one Ledgerdrop keeps open to the server at most (the "connection limit"). */
export const DEFAULT_CONNECTIONS = 4;
export const MAX_CONNECTIONS = 16;

export interface UploadPath {
  /** True for `/…` paths (from the server's root), false for paths from the account's start folder. */
  absolute: boolean;
  /** The full template for one file: folders, then the file name (`Invoice_import/[original_name]`). */
  template: string;
  /** The template's folder parts, each a template of one folder name. */
  folders: readonly string[];
  /** How the path was written, for messages. */
  written: string;
}

/** ssh2's algorithm override: a full list, or additions to / removals from its defaults. */
export type AlgorithmChoice = string[] | { append?: string[]; remove?: string[] };

export interface SftpSettings {
  host: string;
  port: number;
  username: string;
  /** Accepted host keys (see host-key.ts); both lists empty when nothing is accepted yet. */
  hostKeys: { sha256: readonly string[]; md5: readonly string[] };
  /** The hostKey setting as written (for messages). */
  hostKeyWritten: string;
  uploadPath: UploadPath;
  kex: AlgorithmChoice | null;
  ciphers: AlgorithmChoice | null;
  connections: number;
}

export type SettingsResult = { ok: true; settings: SftpSettings } | { ok: false; problem: string };

function text(settings: Readonly<Record<string, unknown>>, key: string): string | null {
  const value = settings[key];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

const VARIABLE = new RegExp(`\\[\\s*(${TEMPLATE_VARIABLES.join('|')})\\s*\\]`, 'i');
const FILE_NAME_VARIABLE = /\[\s*(original_name|extension)\s*\]/i;

/** Reads an upload path (see the module comment); a string is the problem. */
export function parseUploadPath(raw: string | null): UploadPath | string {
  const written = raw ?? DEFAULT_UPLOAD_PATH;
  let body = written.trim().replace(/\\/g, '/');
  const absolute = body.startsWith('/');
  body = body.replace(/^\/+/, '');
  if (body.startsWith('~/')) body = body.slice(2);
  const parts = body.split('/').filter((part) => part.trim() !== '');
  const last = parts.at(-1);
  const hasFileName = last !== undefined && FILE_NAME_VARIABLE.test(last);
  const folders = hasFileName ? parts.slice(0, -1) : parts;
  const template = [...folders, hasFileName ? last : '[original_name]'].join('/');
  const problem = validateTemplate(template);
  if (problem !== null) return `The upload path "${written}" cannot be used: ${problem.replace(/path template/g, 'upload path')}`;
  return { absolute, template, folders, written };
}

/** True when a template part uses a variable (so its value depends on the client or the document). */
export function usesVariables(part: string): boolean {
  return VARIABLE.test(part);
}

/**
 * An algorithm list setting: `a,b,c` replaces ssh2's defaults (in that order of preference),
 * `+a,b` adds to them (for old servers), `-a,b` removes from them.
 */
export function parseAlgorithms(raw: string | null): AlgorithmChoice | null {
  if (raw === null) return null;
  const mode = raw.startsWith('+') ? 'append' : raw.startsWith('-') ? 'remove' : 'replace';
  const names = (mode === 'replace' ? raw : raw.slice(1))
    .split(/[\s,]+/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) return null;
  if (mode === 'append') return { append: names };
  if (mode === 'remove') return { remove: names };
  return names;
}

export function readSettings(settings: Readonly<Record<string, unknown>>): SettingsResult {
  const host = text(settings, 'host');
  if (host === null) return { ok: false, problem: "No server is set for this SFTP connection. Enter the server's host name (such as sftp.example.be) in the connection settings." };
  if (/\s|\/|^[a-z][a-z0-9+.-]*:\/\//i.test(host)) {
    return { ok: false, problem: `"${host}" is not a host name. Enter only the server's name or IP address (such as sftp.example.be), without "sftp://", a folder or spaces; the port and folder have their own settings.` };
  }
  const portValue = settings.port ?? DEFAULT_PORT;
  const port = typeof portValue === 'string' && /^\d+$/.test(portValue.trim()) ? Number(portValue) : portValue;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    return { ok: false, problem: `The port "${String(portValue)}" is not a port number (1–65535). SFTP servers usually use 22; your provider tells you when it is another one.` };
  }
  const username = text(settings, 'username');
  if (username === null) return { ok: false, problem: 'No user name is set for this SFTP connection. Enter the account name your provider gave you in the connection settings.' };

  const pins = parseHostKeyPins(settings.hostKey);
  if (!pins.ok) return { ok: false, problem: pins.problem };

  const uploadPath = parseUploadPath(text(settings, 'uploadPath'));
  if (typeof uploadPath === 'string') return { ok: false, problem: uploadPath };

  const connectionsValue = settings.connections ?? DEFAULT_CONNECTIONS;
  if (typeof connectionsValue !== 'number' || !Number.isInteger(connectionsValue) || connectionsValue < 1 || connectionsValue > MAX_CONNECTIONS) {
    return { ok: false, problem: `The connection limit "${String(connectionsValue)}" must be a whole number from 1 to ${MAX_CONNECTIONS}.` };
  }

  return {
    ok: true,
    settings: {
      host,
      port,
      username,
      hostKeys: { sha256: pins.sha256, md5: pins.md5 },
      hostKeyWritten: typeof settings.hostKey === 'string' ? settings.hostKey.trim() : '',
      uploadPath,
      kex: parseAlgorithms(text(settings, 'kex')),
      ciphers: parseAlgorithms(text(settings, 'ciphers')),
      connections: connectionsValue,
    },
  };
}

/** `sftp://user@host[:port]/path`: where a delivered file is, as WinSCP or FileZilla would open it. */
export function remoteUrl(settings: SftpSettings, absolutePath: string): string {
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return `sftp://${settings.username}@${host}${settings.port === DEFAULT_PORT ? '' : `:${settings.port}`}${absolutePath.startsWith('/') ? '' : '/'}${absolutePath}`;
}

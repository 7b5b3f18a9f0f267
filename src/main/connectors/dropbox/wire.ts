/**
 * Dropbox wire details that are pure functions: the content hash and the header-safe JSON of
 * Dropbox-API-Arg (../shared/facts/connectors.md §1.1, §1.3).
 */
import { createHash } from 'node:crypto';

/** Dropbox hashes files in 4 MiB blocks; upload-session chunks are multiples of it. */
export const DROPBOX_BLOCK_BYTES = 4 * 1024 * 1024;

/**
 * Dropbox's `content_hash`: SHA-256 of each 4 MiB block, the raw digests concatenated, SHA-256 of
 * that, lowercase hex. The empty file hashes to SHA-256 of nothing.
 */
export function dropboxContentHash(bytes: Uint8Array): string {
  const overall = createHash('sha256');
  for (let offset = 0; offset < bytes.length; offset += DROPBOX_BLOCK_BYTES) {
    overall.update(createHash('sha256').update(bytes.subarray(offset, offset + DROPBOX_BLOCK_BYTES)).digest());
  }
  return overall.digest('hex');
}

/**
 * JSON for the Dropbox-API-Arg header: HTTP headers carry bytes, so every character from U+007F
 * up is written as a \uXXXX escape (astral characters as their two surrogate escapes). Accented
 * Dutch and French file names depend on it.
 */
export function headerSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The tags of a Dropbox endpoint error, outermost first: `{".tag":"path","reason":{".tag":"conflict",
 * "conflict":{".tag":"file"}}}` → ['path', 'conflict', 'file']. Union members with a value nest it
 * under their tag's name; UploadWriteFailed nests its WriteError under `reason`. Falls back on the
 * error_summary ("path/conflict/file/..") when the error object is missing.
 */
export function errorTags(body: unknown): string[] {
  const tags: string[] = [];
  const root = body && typeof body === 'object' ? (body as { error?: unknown; error_summary?: unknown }) : null;
  let node: unknown = root?.error;
  for (let depth = 0; depth < 8 && node && typeof node === 'object'; depth++) {
    const record = node as Record<string, unknown>;
    const tag = record['.tag'];
    if (typeof tag !== 'string') {
      // RateLimitError has no tag of its own: {reason: {".tag": …}, retry_after}
      node = record.reason;
      continue;
    }
    tags.push(tag);
    const inner = record[tag];
    node = inner && typeof inner === 'object' ? inner : record.reason;
  }
  if (tags.length === 0 && typeof root?.error_summary === 'string') {
    return root.error_summary
      .split('/')
      .map((part) => part.trim())
      .filter((part) => part !== '' && !/^\.+$/.test(part));
  }
  return tags;
}

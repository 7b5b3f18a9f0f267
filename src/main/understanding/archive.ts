/**
 * ZIP expansion with hard limits, so a ZIP bomb gives a clear finding and nothing else.
 *
 * The central directory is read first and every limit is checked on the declared sizes before a
 * single byte is inflated: member count, total uncompressed size (shared with nested archives),
 * compression ratio per member. Inflation then uses Node's zlib with `maxOutputLength` set to the
 * declared size, so a member that lies about its size is stopped at that size (memory stays
 * bounded), and its CRC-32 is verified.
 *
 * Not supported (reported, never guessed): ZIP64, encryption, compression methods other than
 * stored (0) and deflate (8), multi-disk archives.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { finding } from './types.ts';
import type { Finding } from './types.ts';

export interface ArchiveLimits {
  /** Most members (files) in one archive. */
  maxMembers: number;
  /** Most uncompressed bytes in total, nested archives included. */
  maxTotalBytes: number;
  /** Highest uncompressed:compressed ratio of one member. */
  maxRatio: number;
  /** Members up to this uncompressed size skip the ratio check (they cannot hurt: maxMembers × this is small). */
  ratioMinBytes: number;
  /** Deepest archive nesting (an archive inside an archive inside an archive = 3). */
  maxDepth: number;
}

export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxMembers: 1_000,
  maxTotalBytes: 200 * 1024 * 1024,
  maxRatio: 100,
  ratioMinBytes: 64 * 1024,
  maxDepth: 3,
});

/** Uncompressed bytes still allowed; one budget is shared by an archive and everything nested in it. */
export interface ArchiveBudget {
  remainingBytes: number;
}

export interface ZipMember {
  name: string;
  bytes: Buffer;
}

export type ZipReadResult = { ok: true; members: ZipMember[]; findings: Finding[] } | { ok: false; error: Finding; findings: Finding[] };

const SIG_EOCD = 0x06054b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;

interface CentralEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function mb(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

function findEocd(buf: Buffer): number {
  const min = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= min; i -= 1) {
    if (buf.readUInt32LE(i) === SIG_EOCD) return i;
  }
  return -1;
}

function decodeName(raw: Buffer, utf8Flag: boolean): string {
  if (utf8Flag) return raw.toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return raw.toString('latin1');
  }
}

function isJunk(name: string): boolean {
  return name.endsWith('/') || name.startsWith('__MACOSX/') || name === '.DS_Store' || name.endsWith('/.DS_Store');
}

/** Lists and inflates the members of a ZIP held in memory, within the limits and the shared budget. */
export function readZip(bytes: Uint8Array, limits: ArchiveLimits, budget: ArchiveBudget): ZipReadResult {
  const findings: Finding[] = [];
  const fatal = (code: string, message: string): ZipReadResult => {
    const error = finding(code, 'fatal', message);
    findings.push(error);
    return { ok: false, error, findings };
  };
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (buf.length < 22) return fatal('zip-corrupt', 'The ZIP file is truncated or damaged (no central directory).');
  const eocd = findEocd(buf);
  if (eocd === -1) return fatal('zip-corrupt', 'The ZIP file is truncated or damaged (no central directory).');
  const disk = buf.readUInt16LE(eocd + 4);
  const cdDisk = buf.readUInt16LE(eocd + 6);
  const total = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    return fatal('zip64-unsupported', 'The archive uses the ZIP64 format, which is not supported; please unpack it and send the files themselves.');
  }
  if (disk !== 0 || cdDisk !== 0) return fatal('zip-multidisk-unsupported', 'The archive is split over several parts (multi-disk ZIP); please send it as one file.');
  if (total > limits.maxMembers) {
    return fatal('zip-too-many-members', `The archive holds ${total.toLocaleString('en')} files, more than the limit of ${limits.maxMembers.toLocaleString('en')} (possible ZIP bomb); nothing was unpacked.`);
  }
  if (cdOffset + cdSize > eocd) return fatal('zip-corrupt', 'The ZIP file is damaged (central directory out of bounds).');

  const entries: CentralEntry[] = [];
  let p = cdOffset;
  for (let n = 0; n < total; n += 1) {
    if (p + 46 > eocd || buf.readUInt32LE(p) !== SIG_CENTRAL) return fatal('zip-corrupt', 'The ZIP file is damaged (bad central directory entry).');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    if (p + 46 + nameLen > eocd) return fatal('zip-corrupt', 'The ZIP file is damaged (bad central directory entry).');
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) {
      return fatal('zip64-unsupported', 'The archive uses the ZIP64 format, which is not supported; please unpack it and send the files themselves.');
    }
    const name = decodeName(buf.subarray(p + 46, p + 46 + nameLen), (flags & 0x800) !== 0);
    entries.push({ name, flags, method, crc, compressedSize, size, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }

  const files = entries.filter((e) => !isJunk(e.name));
  const declaredTotal = files.reduce((sum, e) => sum + e.size, 0);
  if (declaredTotal > budget.remainingBytes) {
    return fatal(
      'zip-too-large',
      `The archive would unpack to ${mb(declaredTotal)}, more than the ${mb(limits.maxTotalBytes)} limit (possible ZIP bomb); nothing was unpacked.`,
    );
  }
  for (const e of files) {
    if (e.size > limits.ratioMinBytes && e.size > e.compressedSize * limits.maxRatio) {
      const ratio = e.compressedSize === 0 ? '∞' : `${Math.round(e.size / e.compressedSize)}:1`;
      return fatal(
        'zip-ratio-too-high',
        `"${e.name.slice(0, 200)}" in the archive is compressed ${ratio} (more than ${limits.maxRatio}:1 — a ZIP bomb pattern); nothing was unpacked.`,
      );
    }
  }

  const members: ZipMember[] = [];
  for (const e of files) {
    if ((e.flags & 0x1) !== 0) {
      findings.push(finding('zip-member-encrypted', 'warning', `"${e.name}" in the archive is password-protected and was not opened.`));
      continue;
    }
    if (e.method !== 0 && e.method !== 8) {
      findings.push(finding('zip-member-unsupported', 'warning', `"${e.name}" in the archive uses compression method ${e.method}, which is not supported; it was skipped.`));
      continue;
    }
    const lh = e.localOffset;
    if (lh + 30 > buf.length || buf.readUInt32LE(lh) !== SIG_LOCAL) {
      findings.push(finding('zip-member-corrupt', 'warning', `"${e.name}" in the archive is damaged and was skipped.`));
      continue;
    }
    const start = lh + 30 + buf.readUInt16LE(lh + 26) + buf.readUInt16LE(lh + 28);
    const end = start + e.compressedSize;
    if (end > buf.length) {
      findings.push(finding('zip-member-corrupt', 'warning', `"${e.name}" in the archive is truncated and was skipped.`));
      continue;
    }
    const raw = buf.subarray(start, end);
    let data: Buffer;
    if (e.method === 0) {
      data = raw;
    } else {
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
      } catch (cause) {
        const code = (cause as { code?: string }).code;
        if (code === 'ERR_BUFFER_TOO_LARGE' || cause instanceof RangeError) {
          return fatal('zip-size-mismatch', `"${e.name.slice(0, 200)}" in the archive unpacks to more than the size it declares (a ZIP bomb pattern); nothing was unpacked.`);
        }
        findings.push(finding('zip-member-corrupt', 'warning', `"${e.name}" in the archive is damaged and was skipped.`));
        continue;
      }
    }
    if (data.length !== e.size || crc32(data) !== e.crc) {
      findings.push(finding('zip-member-corrupt', 'warning', `"${e.name}" in the archive is damaged (size or checksum mismatch) and was skipped.`));
      continue;
    }
    budget.remainingBytes -= data.length;
    members.push({ name: e.name, bytes: data });
  }
  return { ok: true, members, findings };
}

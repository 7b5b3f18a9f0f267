/**
 * SSH host key pinning (GUIDE §5): Ledgerdrop talks to an SFTP server only after the user confirmed
 * the server's host key fingerprint. Fingerprints are written the way OpenSSH prints them
 * (`ssh-keygen -lf`, `ssh -v`): `SHA256:` and the unpadded base64 of the SHA-256 of the key blob.
 *
 * The `hostKey` setting holds one or more accepted keys, separated by commas or line breaks (a
 * server that offers several key types, or a key rotation announced in advance), each written as
 * - `SHA256:…`, as above (what `test()` shows and `--accept` stores);
 * - `MD5:aa:bb:…`, the older OpenSSH form some providers still hand out;
 * - a public key line `ssh-ed25519 AAAA… [comment]`, as in known_hosts or `ssh-keyscan` output.
 */
import { createHash } from 'node:crypto';

export interface SeenHostKey {
  /** `SHA256:…` of the key the server showed. */
  fingerprint: string;
  /** `MD5:aa:bb:…` of the same key (only for comparing with MD5 pins). */
  md5: string;
  /** The key type, e.g. `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`. */
  type: string;
}

export type HostKeyPins = { ok: true; sha256: readonly string[]; md5: readonly string[] } | { ok: false; problem: string };

const SHA256_PIN = /^SHA256:([A-Za-z0-9+/]{43})=?$/;
const MD5_PIN = /^MD5:((?:[0-9a-f]{2}:){15}[0-9a-f]{2})$/i;
const PUBLIC_KEY = /^((?:ssh|ecdsa|sk)-[a-z0-9@.-]+)\s+([A-Za-z0-9+/]{40,}={0,2})(?:\s.*)?$/;

export function sha256Fingerprint(blob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

function md5Fingerprint(blob: Uint8Array): string {
  const hex = createHash('md5').update(blob).digest('hex');
  return `MD5:${hex.match(/../g)!.join(':')}`;
}

/** The key type written at the start of an SSH public key blob (a length-prefixed string). */
function keyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return length > 0 && length < 64 && blob.length >= 4 + length ? blob.subarray(4, 4 + length).toString('latin1') : 'unknown';
}

/** What we tell the user about the key a server showed during the handshake. */
export function describeHostKey(blob: Buffer): SeenHostKey {
  return { fingerprint: sha256Fingerprint(blob), md5: md5Fingerprint(blob), type: keyType(blob) };
}

/** Reads the `hostKey` setting. An empty or missing setting is "nothing pinned yet" (ok, no pins). */
export function parseHostKeyPins(value: unknown): HostKeyPins {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return { ok: true, sha256: [], md5: [] };
  if (typeof value !== 'string') return { ok: false, problem: 'The host key setting must be a text such as SHA256:….' };
  const sha256: string[] = [];
  const md5: string[] = [];
  for (const entry of value.split(/[,\n]/).map((part) => part.trim()).filter((part) => part !== '')) {
    const sha = SHA256_PIN.exec(entry);
    const legacy = MD5_PIN.exec(entry);
    const publicKey = PUBLIC_KEY.exec(entry);
    // A public key line's blob starts with its own type again: a cheap check that it is one.
    const blob = publicKey ? Buffer.from(publicKey[2]!, 'base64') : null;
    if (sha) sha256.push(`SHA256:${sha[1]}`);
    else if (legacy) md5.push(`MD5:${legacy[1]!.toLowerCase()}`);
    else if (publicKey && blob && keyType(blob) === publicKey[1]) sha256.push(sha256Fingerprint(blob));
    else {
      return {
        ok: false,
        problem: `The host key "${entry.length > 60 ? `${entry.slice(0, 57)}…` : entry}" is not a fingerprint Ledgerdrop can read. Write it as OpenSSH shows it, for example SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8 (several separated by commas), or test the connection to see the server's fingerprint.`,
      };
    }
  }
  return { ok: true, sha256, md5 };
}

/** True when the key the server showed is one of the pinned ones. */
export function hostKeyMatches(pins: { sha256: readonly string[]; md5: readonly string[] }, seen: SeenHostKey): boolean {
  return pins.sha256.includes(seen.fingerprint) || pins.md5.includes(seen.md5);
}

export function pinsAreEmpty(pins: { sha256: readonly string[]; md5: readonly string[] }): boolean {
  return pins.sha256.length === 0 && pins.md5.length === 0;
}

/**
 * The few Dropbox API v2 calls Ledgerdrop makes, over plain fetch (no SDK: its per-request token
 * refresh is not single-flight, its retries are not ours to steer, and it needs a fetch override
 * to reach a test server anyway — ../shared/facts/connectors.md §1.5, §1.7).
 *
 * Every call:
 * - goes to the documented host through endpoint() (tests point it at test/fakes/dropbox.ts);
 * - carries a bearer token from oauth getAccessToken (single-flight refresh); a 401
 *   expired_access_token or invalid_access_token refreshes once and repeats the call, a second 401
 *   (or a refused refresh) stops the connection with NEEDS_SIGN_IN;
 * - waits out 429 (too_many_requests, too_many_write_operations — JSON or plain text) and 409
 *   too_many_write_operations for Retry-After seconds (default 1) up to MAX_INLINE_WAITS times
 *   within the attempt, then hands the wait to the outbox (DeliveryError 'retry' + retryAfterMs);
 * - retries network failures and 5xx a couple of times, then gives 'retry';
 * - returns other 409 endpoint errors and 400s as DropboxApiError for the caller to classify.
 * Tokens never appear in errors or messages.
 */
import { endpoint } from '../endpoints.ts';
import { getAccessToken, parseRetryAfter, type OAuthProvider } from '../oauth/index.ts';
import type { ConnectorContext } from '../types.ts';
import { DeliveryError, NEEDS_SIGN_IN } from '../types.ts';
import { errorTags, headerSafeJson } from './wire.ts';

const API = 'https://api.dropboxapi.com/2/';
const CONTENT = 'https://content.dropboxapi.com/2/';

/** Waits for Retry-After inside one attempt at most this often… */
export const MAX_INLINE_WAITS = 5;
/** …and only this long each; longer waits go back to the outbox. */
export const MAX_INLINE_WAIT_MS = 60_000;
/** Network failures and 5xx answers retried within one attempt, with these pauses. */
const TRANSIENT_PAUSES_MS = [500, 2000];

/** A 409 endpoint error (or a 400 bad request) Dropbox returned for a call. */
export class DropboxApiError extends Error {
  readonly status: number;
  readonly route: string;
  /** e.g. ['path', 'conflict', 'file']. */
  readonly tags: readonly string[];
  /** The parsed JSON body (409) or null. */
  readonly body: unknown;
  constructor(status: number, route: string, tags: readonly string[], body: unknown, text: string) {
    super(status === 409 ? `Dropbox ${route}: ${tags.join('/') || 'error'}` : `Dropbox ${route}: HTTP ${status}: ${text.slice(0, 300)}`);
    this.name = 'DropboxApiError';
    this.status = status;
    this.route = route;
    this.tags = tags;
    this.body = body;
  }

  has(...tags: string[]): boolean {
    return tags.every((tag) => this.tags.includes(tag));
  }
}

/** The first numeric field `name` anywhere in a parsed error body (e.g. correct_offset). */
export function numberField(body: unknown, name: string): number | null {
  if (!body || typeof body !== 'object') return null;
  const record = body as Record<string, unknown>;
  if (typeof record[name] === 'number') return record[name];
  for (const value of Object.values(record)) {
    const found = numberField(value, name);
    if (found !== null) return found;
  }
  return null;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function seconds(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return s < 120 ? `${s} second${s === 1 ? '' : 's'}` : `${Math.round(s / 60)} minutes`;
}

function networkReason(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'no answer in time';
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

/** Time allowed for one request: a minute plus the upload at 64 KiB/s (slow office uplinks). */
function timeoutFor(bytes: number): number {
  return 60_000 + Math.ceil(bytes / 65_536) * 1000;
}

export class DropboxApi {
  private readonly ctx: ConnectorContext;
  private readonly provider: OAuthProvider;

  constructor(ctx: ConnectorContext, provider: OAuthProvider) {
    this.ctx = ctx;
    this.provider = provider;
  }

  /** An RPC endpoint on api.dropboxapi.com (JSON in, JSON out). */
  rpc<T>(route: string, arg: unknown): Promise<T> {
    return this.call<T>(route, endpoint(API + route), { 'Content-Type': 'application/json' }, JSON.stringify(arg));
  }

  /** A content-upload endpoint on content.dropboxapi.com (arguments in Dropbox-API-Arg, bytes in the body). */
  upload<T>(route: string, arg: unknown, bytes: Uint8Array): Promise<T> {
    return this.call<T>(route, endpoint(CONTENT + route), { 'Content-Type': 'application/octet-stream', 'Dropbox-API-Arg': headerSafeJson(arg) }, bytes);
  }

  private async call<T>(route: string, url: string, headers: Record<string, string>, body: string | Uint8Array): Promise<T> {
    const { ctx, provider } = this;
    let token = await getAccessToken(ctx, provider);
    let refreshed = false;
    let waits = 0;
    let transient = 0;
    const size = typeof body === 'string' ? body.length : body.length;

    for (;;) {
      let response: Response;
      try {
        const timeout = AbortSignal.timeout(timeoutFor(size));
        response = await fetch(url, {
          method: 'POST',
          headers: { ...headers, Authorization: `Bearer ${token}` },
          body,
          signal: ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout,
        });
      } catch (error) {
        if (ctx.signal?.aborted) throw error;
        const pause = TRANSIENT_PAUSES_MS[transient++];
        if (pause !== undefined) {
          await sleep(pause, ctx.signal);
          continue;
        }
        throw new DeliveryError('retry', 'dropbox-unreachable', `Cannot reach Dropbox (${networkReason(error)}). Ledgerdrop tries again later; if this lasts, check this computer's internet connection.`, { cause: error });
      }

      if (response.ok) {
        const text = await response.text();
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new DeliveryError('retry', 'dropbox-unexpected', `Dropbox answered ${route} with something that is not JSON. Ledgerdrop tries again later.`);
        }
      }

      const text = await response.text().catch(() => '');
      let json: unknown = null;
      if (/json/i.test(response.headers.get('content-type') ?? '') || text.startsWith('{')) {
        try {
          json = JSON.parse(text);
        } catch {
          json = null;
        }
      }
      const tags = errorTags(json);
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after')) ?? (numberField(json, 'retry_after') ?? 1) * 1000;

      if (response.status === 401) {
        const tag = tags[0] ?? '';
        if ((tag === 'expired_access_token' || tag === 'invalid_access_token') && !refreshed) {
          refreshed = true;
          token = await getAccessToken(ctx, provider, { forceRefresh: true, rejectedToken: token });
          continue;
        }
        if (tag === 'user_suspended') {
          throw new DeliveryError('fatal-connection', 'dropbox-account-suspended', 'Dropbox has suspended the account this connection signs in to. Contact the Dropbox account or team admin; when the account works again, resume the connection.');
        }
        if (tag === 'missing_scope') {
          const scope = (json as { error?: { required_scope?: unknown } } | null)?.error?.required_scope;
          throw new DeliveryError(
            'fatal-connection',
            NEEDS_SIGN_IN,
            `Sign in to Dropbox again: the sign-in does not include the permission ${typeof scope === 'string' ? `"${scope}"` : 'Ledgerdrop needs'}. Enable it for the app in the Dropbox App Console (your app → Permissions), then use Sign in on the connection or run \`ledgerdrop connections sign-in ${ctx.connectionId}\`.`,
          );
        }
        throw new DeliveryError(
          'fatal-connection',
          NEEDS_SIGN_IN,
          `Sign in to Dropbox again: Dropbox no longer accepts this connection's sign-in (${tag || 'HTTP 401'}). Use Sign in on the connection, or run \`ledgerdrop connections sign-in ${ctx.connectionId}\`.`,
        );
      }

      const writeContention = tags.includes('too_many_write_operations');
      if (response.status === 429 || (response.status === 409 && writeContention)) {
        if (waits < MAX_INLINE_WAITS && retryAfterMs <= MAX_INLINE_WAIT_MS) {
          waits += 1;
          await sleep(retryAfterMs, ctx.signal);
          continue;
        }
        throw new DeliveryError(
          'retry',
          'rate-limited',
          writeContention
            ? `Dropbox is busy with other changes in this account (too many writes at once). Ledgerdrop waits ${seconds(retryAfterMs)} and tries again; nothing needs to be done.`
            : `Dropbox asks Ledgerdrop to slow down (too many requests). Ledgerdrop waits ${seconds(retryAfterMs)} and tries again; nothing needs to be done.`,
          { retryAfterMs },
        );
      }

      if (response.status >= 500) {
        const pause = TRANSIENT_PAUSES_MS[transient++];
        const wait = response.headers.get('retry-after') !== null ? retryAfterMs : pause;
        if (pause !== undefined && wait !== undefined && wait <= MAX_INLINE_WAIT_MS) {
          await sleep(wait, ctx.signal);
          continue;
        }
        throw new DeliveryError('retry', 'dropbox-unavailable', `Dropbox is having trouble right now (HTTP ${response.status}). Ledgerdrop tries again later; nothing needs to be done.`, {
          ...(response.headers.get('retry-after') !== null ? { retryAfterMs } : {}),
        });
      }

      if (response.status === 409 || response.status === 400) throw new DropboxApiError(response.status, route, tags, json, text);
      if (response.status === 403) {
        throw new DeliveryError('fatal-connection', 'dropbox-access-denied', `Dropbox refuses Ledgerdrop access to this account (HTTP 403${tags[0] ? `, ${tags[0]}` : ''}). A Dropbox team admin may have restricted apps; ask them, then resume the connection.`);
      }
      throw new DeliveryError('retry', 'dropbox-unexpected', `Dropbox answered ${route} with HTTP ${response.status}. Ledgerdrop tries again later.`);
    }
  }
}

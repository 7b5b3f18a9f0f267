/**
 * The one-shot loopback listener of a browser sign-in (RFC 8252 §7.3): an HTTP server on
 * 127.0.0.1 only, which waits for the one redirect that carries our `state`, answers the browser
 * with a page saying what happened, and closes. Requests without our state (an old sign-in tab, a
 * page elsewhere poking at the port) get a refusal page and do not end the wait.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';

export interface LoopbackRedirect {
  /** The parameters of the redirect that carried our state: `code`, or `error` and `error_description`. */
  params: URLSearchParams;
  /** Answers the browser tab (call once); the listener closes after it. */
  respond(page: { ok: boolean; title: string; message: string }): void;
}

export interface LoopbackListener {
  /** `http://127.0.0.1:PORT/` — the redirect_uri to register and send. */
  redirectUri: string;
  /** Resolves with the redirect carrying `state`; rejects on timeout or abort. */
  wait(): Promise<LoopbackRedirect>;
  /** Closes the listener now (idempotent). */
  close(): void;
}

export class LoopbackError extends Error {
  readonly reason: 'port-in-use' | 'timeout' | 'aborted' | 'listen-failed';
  constructor(reason: LoopbackError['reason'], message: string) {
    super(message);
    this.name = 'LoopbackError';
    this.reason = reason;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The small page the browser shows after the redirect. */
export function resultPage(page: { ok: boolean; title: string; message: string }): string {
  const colour = page.ok ? '#1b7f3b' : '#b3261e';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ledgerdrop — ${escapeHtml(page.title)}</title>
<style>body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}h1{color:${colour};font-size:1.5rem}</style>
</head><body><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.message)}</p></body></html>
`;
}

function sameState(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    'Referrer-Policy': 'no-referrer',
    Connection: 'close',
  });
  res.end(html);
}

/**
 * Starts listening on 127.0.0.1:`port` (0: a port the OS picks). `serviceName` is used in the pages.
 * Rejects with LoopbackError('port-in-use') when a fixed port is taken.
 */
export async function startLoopbackListener(options: { port: number; state: string; serviceName: string; timeoutMs: number; signal?: AbortSignal }): Promise<LoopbackListener> {
  const { state, serviceName } = options;
  let settle: { resolve(value: LoopbackRedirect): void; reject(error: Error): void } | null = null;
  let outcome: { value?: LoopbackRedirect; error?: Error } | null = null;
  let answered = false;
  const timing: { timer?: NodeJS.Timeout } = {};

  const finish = (result: { value?: LoopbackRedirect; error?: Error }): void => {
    if (outcome) return;
    outcome = result;
    clearTimeout(timing.timer);
    options.signal?.removeEventListener('abort', onAbort);
    if (settle) {
      if (result.error) settle.reject(result.error);
      else settle.resolve(result.value!);
    }
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== '/') {
      send(res, 404, resultPage({ ok: false, title: 'Not found', message: 'This address only receives sign-in answers for Ledgerdrop.' }));
      return;
    }
    if (outcome || !sameState(url.searchParams.get('state'), state)) {
      send(
        res,
        400,
        resultPage({
          ok: false,
          title: 'This sign-in is not the one Ledgerdrop is waiting for',
          message: `The answer does not belong to the ${serviceName} sign-in Ledgerdrop started (it may come from an older sign-in window). Close this tab and use the sign-in window Ledgerdrop opened last.`,
        }),
      );
      return;
    }
    finish({
      value: {
        params: url.searchParams,
        respond(page) {
          if (answered) return;
          answered = true;
          send(res, page.ok ? 200 : 400, resultPage(page));
          res.on('finish', close);
        },
      },
    });
  });
  server.on('connection', (socket) => socket.unref());

  // Stops listening at once; the page being sent gets a moment to reach the browser.
  const close = (): void => {
    server.close();
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  };

  const onAbort = (): void => {
    finish({ error: new LoopbackError('aborted', `The ${serviceName} sign-in was cancelled.`) });
    close();
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new LoopbackError(
            'port-in-use',
            `Port ${options.port} on this computer is in use by another program, so the ${serviceName} sign-in cannot receive its answer there. Close the other program (or another Ledgerdrop sign-in) and sign in again.`,
          ),
        );
      } else {
        reject(new LoopbackError('listen-failed', `Ledgerdrop cannot listen on 127.0.0.1:${options.port} for the ${serviceName} sign-in (${error.code ?? error.message}).`));
      }
    });
    server.listen({ host: '127.0.0.1', port: options.port, exclusive: true }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  timing.timer = setTimeout(() => {
    const minutes = Math.round(options.timeoutMs / 60_000);
    const secs = Math.max(1, Math.round(options.timeoutMs / 1000));
    const within = minutes >= 1 ? `${minutes} minute${minutes === 1 ? '' : 's'}` : `${secs} second${secs === 1 ? '' : 's'}`;
    finish({
      error: new LoopbackError(
        'timeout',
        `The ${serviceName} sign-in was not completed within ${within}. Start the sign-in again and finish it in the browser window that opens.${options.port !== 0 ? ` If ${serviceName}'s page showed an error about the redirect URI, the app registration must list http://127.0.0.1:${port}/ as a redirect URI.` : ''}`,
      ),
    });
    close();
  }, options.timeoutMs);
  timing.timer.unref?.();

  return {
    redirectUri: `http://127.0.0.1:${port}/`,
    wait() {
      return new Promise<LoopbackRedirect>((resolve, reject) => {
        if (outcome) {
          if (outcome.error) reject(outcome.error);
          else resolve(outcome.value!);
          return;
        }
        settle = { resolve, reject };
      });
    },
    close() {
      clearTimeout(timing.timer);
      options.signal?.removeEventListener('abort', onAbort);
      close();
    },
  };
}

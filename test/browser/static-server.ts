/**
 * Serves a built renderer folder over http://127.0.0.1 with the same path guard and headers
 * (CSP included) as the shell's app:// protocol handler.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveAppFile, responseHeaders } from '../../src/main/electron/url-policy.ts';

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

export async function serveDirectory(root: string): Promise<StaticServer> {
  let origin = '';
  const server: Server = createServer((request, response) => {
    const file = request.method === 'GET' || request.method === 'HEAD' ? resolveAppFile(root, new URL(request.url ?? '/', origin).href, origin) : null;
    const notFound = () => response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
    if (!file) {
      notFound();
      return;
    }
    readFile(file).then(
      (body) => response.writeHead(200, responseHeaders(file)).end(request.method === 'HEAD' ? undefined : body),
      notFound,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

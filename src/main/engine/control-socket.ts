/**
 * While the agent runs, it answers the other `ledgerdrop` commands over a local socket in the data
 * folder (a named pipe on Windows), so `status`, `import`, `clients` … work next to `ledgerdrop run`
 * instead of being refused because the folder is in use. Newline-delimited JSON, one request per
 * line: {id, name, input} → {id, ok, value | error}; every request goes through the engine's own
 * contract validation. Only the user who owns the data folder can reach the socket (mode 0600).
 */
import { createHash } from 'node:crypto';
import { chmodSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OperationName, OperationOutput } from '../../shared/contract.ts';
import { isErrorInfo } from '../../shared/errors.ts';
import { EngineError, toErrorInfo } from './errors.ts';

export interface Invoker {
  invoke<N extends OperationName>(name: N, input: unknown): Promise<OperationOutput<N>>;
}

export function controlSocketPath(home: string, platform: NodeJS.Platform = process.platform): string {
  const id = createHash('sha256').update(home).digest('hex').slice(0, 16);
  if (platform === 'win32') return `\\\\.\\pipe\\ledgerdrop-${id}`;
  const inHome = join(home, 'engine.sock');
  // Unix socket paths are limited to about 100 bytes.
  return Buffer.byteLength(inHome) < 100 ? inHome : join(tmpdir(), `ledgerdrop-${id}.sock`);
}

/** Serves the engine on the control socket; call only while holding the data folder's lock. */
export async function serveControl(engine: Invoker, home: string): Promise<{ close(): Promise<void> }> {
  const path = controlSocketPath(home);
  if (process.platform !== 'win32') rmSync(path, { force: true }); // a leftover of a killed agent: we hold the lock
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      if (buffer.length > 16 * 1024 * 1024) return socket.destroy();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        void answer(engine, line).then((reply) => {
          if (!socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`);
        });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  if (process.platform !== 'win32') chmodSync(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        if (process.platform !== 'win32') rmSync(path, { force: true });
      }),
  };
}

async function answer(engine: Invoker, line: string): Promise<{ id: unknown; ok: boolean; value?: unknown; error?: unknown }> {
  let id: unknown = null;
  try {
    const request = JSON.parse(line) as { id?: unknown; name?: unknown; input?: unknown };
    id = request.id;
    return { id, ok: true, value: await engine.invoke(String(request.name) as OperationName, request.input) };
  } catch (error) {
    return { id, ok: false, error: toErrorInfo(error) };
  }
}

/** Connects to a running agent's control socket; null when none answers. */
export async function connectControl(home: string): Promise<(Invoker & { close(): void }) | null> {
  const path = controlSocketPath(home);
  const socket = await new Promise<Socket | null>((resolve) => {
    const s = createConnection(path);
    s.once('connect', () => resolve(s));
    s.once('error', () => resolve(null));
  });
  if (!socket) return null;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  let buffer = '';
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const reply = JSON.parse(buffer.slice(0, newline)) as { id: number; ok: boolean; value?: unknown; error?: unknown };
      buffer = buffer.slice(newline + 1);
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      if (!waiter) continue;
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(isErrorInfo(reply.error) ? new EngineError(reply.error.code, reply.error.message) : new EngineError('internal', 'The running agent gave an unreadable answer.'));
    }
  });
  const fail = () => {
    for (const waiter of pending.values()) waiter.reject(new EngineError('engine-closed', 'The running agent stopped while answering.'));
    pending.clear();
  };
  socket.on('close', fail);
  socket.on('error', fail);
  return {
    invoke<N extends OperationName>(name: N, input: unknown): Promise<OperationOutput<N>> {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        socket.write(`${JSON.stringify({ id, name, input })}\n`);
      });
    },
    close: () => socket.end(),
  };
}

import net from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** Resolves when `port` can be bound on 127.0.0.1 right now, rejects otherwise. */
function tryListen(port: number, host = LOOPBACK): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}

/** True when nothing listens on `port` (127.0.0.1) at this moment. */
export async function isPortFree(port: number, host = LOOPBACK): Promise<boolean> {
  try {
    await tryListen(port, host);
    return true;
  } catch {
    return false;
  }
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it from the ephemeral range).
 * Another process may still take it before you bind, so servers started by the helpers retry with a
 * new port when their bind fails.
 */
export async function getFreePort(host = LOOPBACK): Promise<number> {
  const port = await tryListen(0, host);
  if (!port) throw new Error(`getFreePort: the kernel returned no port for ${host}`);
  return port;
}

/**
 * `count` consecutive free TCP ports on 127.0.0.1, e.g. for an FTP server's passive-port range.
 * Chosen at random in 20000–32767, below Linux's default ephemeral range (32768–60999), so outgoing
 * connections do not take them while the server runs.
 */
export async function getFreePortRange(count: number, host = LOOPBACK): Promise<{ min: number; max: number }> {
  if (!Number.isInteger(count) || count < 1 || count > 1000) throw new Error(`getFreePortRange: bad count ${count}`);
  const low = 20_000;
  const high = 32_767;
  for (let attempt = 0; attempt < 50; attempt++) {
    const min = low + Math.floor(Math.random() * (high - low - count));
    let allFree = true;
    for (let port = min; port < min + count; port++) {
      if (!(await isPortFree(port, host))) {
        allFree = false;
        break;
      }
    }
    if (allFree) return { min, max: min + count - 1 };
  }
  throw new Error(`getFreePortRange: found no ${count} consecutive free ports in ${low}-${high}`);
}

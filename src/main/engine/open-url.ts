/**
 * Opens an https address in the user's browser, as the OS does it (the engine runs without
 * Electron's shell module). Never throws: the address is always shown too, so a machine without
 * a browser (a server over SSH) can copy it to one.
 */
import { spawn } from 'node:child_process';

export function openInBrowser(url: string): void {
  if (!/^https?:\/\//i.test(url)) return;
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? // rundll32 takes the address as one argument: no shell, so `&` in the query stays intact.
          ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', windowsHide: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no opener on this machine: the caller prints or shows the address
  }
}

import { createInterface } from 'node:readline';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: process.stdin,
  env: process.env,
};

/**
 * Reads a secret without it ever touching argv or the shell history: from a pipe (the whole input,
 * less one trailing newline) or, on a terminal, from a prompt that does not echo.
 */
export async function readSecret(io: CliIo, prompt: string): Promise<string> {
  if (io.stdin.isTTY) return promptHidden(io, prompt);
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function promptHidden(io: CliIo, prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: io.stdin, output: process.stderr, terminal: true });
    const output = rl as unknown as { _writeToOutput: (s: string) => void };
    io.stderr(prompt);
    output._writeToOutput = () => {};
    rl.question('', (answer) => {
      rl.close();
      io.stderr('\n');
      resolve(answer);
    });
  });
}

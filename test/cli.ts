/** Runs the real `crosslink` command as a child process, the way a user or a script does. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../bin/crosslink.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, CROSSLINK_DEBUG: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Parses the JSON a command printed with --json, failing the test with its output if it is not JSON. */
export function parseJson<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`expected JSON on stdout (exit ${result.code}); stdout: ${result.stdout} stderr: ${result.stderr}`);
  }
}

let inProcessQueue: Promise<unknown> = Promise.resolve();

/**
 * Runs `crosslink` in this process, as `main` (the real command tree, option parsing and error
 * handling) with stdout and stderr captured: no start-up cost per command, for suites that run
 * dozens. One at a time (it swaps the process's streams and environment), queued.
 */
export function runCliInProcess(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const run = async (): Promise<CliResult> => {
    const { main } = await import('../src/cli/main.ts');
    const settings = { CROSSLINK_DEBUG: '', ...env };
    const savedEnv = Object.fromEntries(Object.keys(settings).map((key) => [key, process.env[key]]));
    const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
    const captured = { stdout: '', stderr: '' };
    const capture = (stream: 'stdout' | 'stderr') =>
      ((chunk: string | Uint8Array) => {
        captured[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        return true;
      }) as typeof process.stdout.write;
    for (const [key, value] of Object.entries(settings)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    process.exitCode = undefined;
    process.stdout.write = capture('stdout');
    process.stderr.write = capture('stderr');
    try {
      const code = await main(['node', 'crosslink', ...args]);
      return { code, ...captured };
    } finally {
      process.stdout.write = writes.stdout;
      process.stderr.write = writes.stderr;
      process.exitCode = undefined;
      for (const [key, value] of Object.entries(savedEnv)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  };
  const result = inProcessQueue.then(run, run);
  inProcessQueue = result.catch(() => undefined);
  return result;
}

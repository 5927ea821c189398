/**
 * Runs `crosslink` for tests: as a child process, the way a user or a script does (runCli), or in
 * this process through the same command tree (runCliInProcess), for suites that run dozens.
 */
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

type Stream = typeof process.stdout | typeof process.stderr;

/**
 * Makes `stream` answer isTTY false until the returned function restores it: runCli's child writes
 * to pipes, so a command run in this process must not draw a progress bar into what it captures
 * because the test runner happens to sit on a terminal.
 */
function pretendPiped(stream: Stream): () => void {
  const own = Object.getOwnPropertyDescriptor(stream, 'isTTY');
  Object.defineProperty(stream, 'isTTY', { value: false, configurable: true, writable: true });
  return () => {
    if (own) Object.defineProperty(stream, 'isTTY', own);
    else delete (stream as { isTTY?: boolean }).isTTY;
  };
}

/**
 * Runs `crosslink` in this process, as `main` (the real command tree, option parsing and error
 * handling) with stdout and stderr captured: no start-up cost per command, for suites that run
 * dozens. One at a time (it swaps the process's streams and environment), queued. Like a child
 * process, a run leaves the test process as it found it: environment, exit code, streams, and the
 * 'exit' listeners its commands added (each embedded store adds one to release its directory lock,
 * a no-op once the store is closed; left in place, the eleventh trips Node's listener limit and
 * its warning lands in that command's captured stderr).
 *
 * Exit codes are main's return value, which bin/crosslink.js hands to the shell unchanged; what
 * only a real process shows (exiting at all once done, signals, the environment it starts with)
 * needs runCli.
 */
export function runCliInProcess(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const run = async (): Promise<CliResult> => {
    const { main } = await import('../src/cli/main.ts');
    const settings = { CROSSLINK_DEBUG: '', ...env };
    const savedEnv = Object.fromEntries(Object.keys(settings).map((key) => [key, process.env[key]]));
    const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
    const exitListeners = new Set(process.listeners('exit'));
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
    const restoreTty = [pretendPiped(process.stdout), pretendPiped(process.stderr)];
    process.stdout.write = capture('stdout');
    process.stderr.write = capture('stderr');
    try {
      const code = await main(['node', 'crosslink', ...args]);
      return { code, ...captured };
    } finally {
      process.stdout.write = writes.stdout;
      process.stderr.write = writes.stderr;
      for (const restore of restoreTty) restore();
      process.exitCode = undefined;
      for (const listener of process.listeners('exit')) {
        if (!exitListeners.has(listener)) process.removeListener('exit', listener);
      }
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

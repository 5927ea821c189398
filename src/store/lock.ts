/**
 * An exclusive lock on the embedded store's directory, held for the life of the process.
 * A lock left by a process that died is taken over; one held by a live process is refused.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../model/index.ts';

export interface DirectoryLock {
  release(): void;
}

const LOCK_FILE = 'crosslink.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireDirectoryLock(directory: string): DirectoryLock {
  const path = join(directory, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        // A process that opens and closes stores many times (a server, a test run) keeps no listener per store.
        process.removeListener('exit', release);
        try {
          unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
      process.once('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new UserError(
          `the embedded store at ${directory} is in use by process ${holder}; stop it (e.g. a running 'crosslink serve') or use a PostgreSQL server via CROSSLINK_DB`,
          'unavailable',
        );
      }
      if (holder === process.pid) {
        throw new UserError(`the embedded store at ${directory} is already open in this process`, 'unavailable');
      }
      unlinkSync(path);
    }
  }
  throw new UserError(`cannot lock the embedded store at ${directory}`, 'unavailable');
}

/**
 * The export plug-in point: a format writes the plain graph (`GraphData`) to a stream, so the CLI
 * and the API can send any export the same way. Formats are pure: no store, no access checks —
 * the caller hands over only what the user may see.
 */
import type { Writable } from 'node:stream';
import type { GraphData } from '../analysis/graph-data.ts';

export type ExportStream = NodeJS.WritableStream | Writable;

export interface ExportFormat {
  /** What `--format` takes. */
  readonly name: string;
  /** File extension without the dot (`graphml`, `ftm.json`). */
  readonly extension: string;
  /** Content-Type for an HTTP download. */
  readonly mediaType: string;
  /** One line for `--help` and the API's format list. */
  readonly description: string;
  /**
   * Writes the whole export, respecting back-pressure, and resolves once the last byte has been
   * handed to the stream. The stream is not ended: the caller owns it (it may be stdout).
   */
  write(graph: GraphData, out: ExportStream): Promise<void>;
}

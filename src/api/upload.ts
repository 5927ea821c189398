/**
 * Receiving an upload: the multipart stream goes straight to a file in a fresh folder (never
 * whole into memory), stopped at the size limit; the small text fields beside it are collected.
 * The file keeps its own name (sanitised), because format detection reads names too.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { ApiProblem, badRequest } from './problem.ts';

export interface Upload {
  /** The folder holding the file (removed with `discard`). */
  dir: string;
  path: string;
  name: string;
  bytes: number;
  fields: Record<string, string>;
  discard(): Promise<void>;
}

/** A file name safe to create: no folders, no control characters, no leading dots. */
export function safeFileName(name: string | undefined): string {
  const cleaned = basename((name ?? '').replace(/\\/g, '/'))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f/:*?"<>|]/g, '_')
    // Leading dots and spaces in any order: " .txt" must not become the hidden ".txt".
    .replace(/^[.\s]+/, '')
    .slice(0, 200)
    .trim();
  return cleaned === '' ? 'upload' : cleaned;
}

export async function receiveUpload(
  request: FastifyRequest,
  options: { uploadDir: string; maxBytes: number; fileField: string; fields: readonly string[]; fieldBytes?: number },
): Promise<Upload> {
  if (!request.isMultipart()) throw new ApiProblem(415, `send the file as multipart/form-data, in a part named '${options.fileField}'`);
  await mkdir(options.uploadDir, { recursive: true });
  const dir = await mkdtemp(join(options.uploadDir, 'upload-'));
  const discard = () => rm(dir, { recursive: true, force: true });
  const fields: Record<string, string> = {};
  let file: { path: string; name: string; bytes: number } | undefined;
  try {
    const parts = request.parts({ limits: { fileSize: options.maxBytes, files: 1, fields: options.fields.length + 4, fieldSize: options.fieldBytes ?? 64 * 1024, parts: options.fields.length + 5 } });
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== options.fileField) {
          part.file.resume();
          throw badRequest(`unexpected file part '${part.fieldname}': send the file in a part named '${options.fileField}'`);
        }
        const name = safeFileName(part.filename);
        const path = join(dir, name);
        let bytes = 0;
        part.file.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        await pipeline(part.file, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
        if (part.file.truncated) throw new ApiProblem(413, `the file is larger than the limit of ${options.maxBytes} bytes`);
        file = { path, name, bytes };
      } else if (options.fields.includes(part.fieldname)) {
        fields[part.fieldname] = String(part.value ?? '').trim();
      } else {
        throw badRequest(`unexpected field '${part.fieldname}' (expected: ${[options.fileField, ...options.fields].join(', ')})`);
      }
    }
    if (!file) throw badRequest(`no file: send it in a multipart part named '${options.fileField}'`);
    if (file.bytes === 0) throw badRequest(`${file.name} is empty`);
    return { dir, ...file, fields, discard };
  } catch (error) {
    await discard();
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new ApiProblem(413, `the file is larger than the limit of ${options.maxBytes} bytes`);
    throw error;
  }
}

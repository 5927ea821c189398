// Public entry of the demo generator: a deterministic synthetic multi-agency world with ground truth.
import { UserError } from '../model/index.ts';
import fs from 'node:fs';
import path from 'node:path';
import { readManifest, type Manifest } from './manifest.ts';
import { prepareOut, runGeneration, type GenerateOptions, type GenerateResult } from './generate.ts';

export type { Scale } from './world.ts';
export type { GenerateOptions, GenerateResult } from './generate.ts';
export { readManifest } from './manifest.ts';
export { loadWorld } from './load.ts';
export type { LoadResult } from './load.ts';
export { seedDeconfliction, type DeconflictionDemo } from './deconfliction.ts';
export type { Manifest, ManifestAgency, ManifestCase, ManifestFile, GroundTruth } from './manifest.ts';

export async function generateWorld(opts: GenerateOptions): Promise<GenerateResult> {
  if (!Number.isInteger(opts.seed)) throw new UserError(`seed must be an integer, got ${opts.seed}`);
  if (!['small', 'medium', 'large'].includes(opts.scale)) throw new UserError(`scale must be small, medium or large, got ${String(opts.scale)}`);
  const out = path.resolve(opts.out);
  let previous: Manifest | undefined;
  if (fs.existsSync(out)) {
    if (!fs.statSync(out).isDirectory()) throw new UserError(`${out} is not a directory`);
    const entries = fs.readdirSync(out);
    if (entries.length > 0) {
      const notWorld = new UserError(`${out} is not empty and is not a Crosslink demo world`);
      if (!entries.includes('manifest.json')) throw notWorld;
      try {
        previous = await readManifest(out);
      } catch {
        throw notWorld;
      }
    }
  }
  prepareOut(out, previous);
  return runGeneration(opts, out);
}

/**
 * The `crosslink` command line: builds the command tree and turns every failure into one
 * clear line and a non-zero exit (1: the user's input or environment; 2: usage; 70: a bug).
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../api/index.ts';
import { isUserError } from '../model/index.ts';
import { registerAgency } from './agency.ts';
import { registerAnalysis } from './analysis.ts';
import { registerMedia } from './media.ts';
import { registerAudit } from './audit.ts';
import { registerCase } from './case.ts';
import { acceptStoreOptions } from './context.ts';
import { registerDeconflict } from './deconflict.ts';
import { registerDemo } from './demo.ts';
import { registerFederation } from './federation.ts';
import { registerHits } from './hits.ts';
import { registerIdentity } from './identity.ts';
import { registerIngest } from './ingest.ts';
import { registerInit } from './init.ts';
import { formatError } from './output.ts';
import { registerPeer } from './peer.ts';
import { registerPurge } from './purge.ts';
import { registerResolve } from './resolve.ts';
import { registerSearch } from './search.ts';
import { registerServe } from './serve.ts';
import { registerStats } from './stats.ts';
import { registerUser } from './user.ts';

export function buildProgram(): Command {
  const program = new Command('crosslink')
    .description('Link evidence across cases and agencies: chat logs, card payments, arrests, P2P sightings and media.')
    .version(VERSION)
    .option('--db <location>', 'the store: a directory (embedded) or a postgres:// URL (default: $CROSSLINK_DB or ./.crosslink/db)')
    // Options belong to the command they follow, so `demo generate --seed` is not taken by `demo --seed`.
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  registerInit(program);
  registerAgency(program);
  registerCase(program);
  registerIngest(program);
  registerResolve(program);
  registerSearch(program);
  registerAnalysis(program);
  registerMedia(program);
  registerStats(program);
  registerDemo(program);
  registerServe(program);
  registerUser(program);
  registerAudit(program);
  registerPeer(program);
  registerFederation(program);
  registerDeconflict(program);
  registerIdentity(program);
  registerPurge(program);
  registerHits(program);
  for (const command of allCommands(program)) {
    command.exitOverride().configureOutput({ writeErr: () => undefined });
    // --db and --token are accepted after the subcommand too (`crosslink stats --db URL --token T`).
    if (command.commands.length === 0) acceptStoreOptions(command);
  }
  return program;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((child) => [child, ...allCommands(child)]);
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv);
    // A command that finished but had partial failures (a bad file in a folder) set the code.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end by "throwing" with exit code 0.
      if (error.exitCode === 0) return 0;
      const message = error.message.replace(/^error:\s*/, '');
      process.stderr.write(`${formatError(`${message} (see 'crosslink --help')`, { json, code: 'usage' })}\n`);
      return 2;
    }
    if (isUserError(error)) {
      process.stderr.write(`${formatError(error.message, { json, code: error.code })}\n`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${formatError(`internal error: ${message}`, { json, code: 'internal' })}\n`);
    if (process.env['CROSSLINK_DEBUG'] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    else if (!json) process.stderr.write('(set CROSSLINK_DEBUG=1 to see where)\n');
    return 70;
  }
}

/**
 * Accounts and access from the command line: `crosslink user add|list|disable`, `crosslink token
 * create|list|revoke`, `crosslink grant|revoke --case REF --user NAME` and `crosslink members REF`.
 * Also the global `--token` option every command acts with.
 */
import type { Command } from 'commander';
import { addUser, caseMembers, createToken, disableUser, grantCase, listTokens, listUsers, revokeCase, revokeToken, ROLES } from '../access/index.ts';
import { UserError } from '../model/index.ts';
import { withAdministration, type StoreOptions } from './context.ts';
import { emit, table, type OutputOptions } from './output.ts';

async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UserError('--password-stdin reads the password from a pipe, e.g. `printf %s "$PASSWORD" | crosslink user add …`');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // The first line, without its line ending: `echo` adds one.
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

export function registerUser(program: Command): void {
  program.option('--token <token>', 'act as the user this API token belongs to (default: $CROSSLINK_TOKEN, else the local administrator)');

  const user = program.command('user').description('manage users (analysts, supervisors, auditors, administrators)');
  user
    .command('add')
    .description('add a user')
    .argument('<name>', 'the user name, e.g. j.smith')
    .option('--agency <name>', 'their agency (required except for a node administrator)')
    .requiredOption('--role <role>', Object.entries(ROLES).map(([role, spec]) => `${role} (${spec.does})`).join('; '))
    .option('--password-stdin', 'read a password (at least 12 characters) from standard input; without one the user acts only with tokens')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, options: OutputOptions & { agency?: string; role: string; passwordStdin?: boolean }, command: Command) => {
      const password = options.passwordStdin ? await readPasswordFromStdin() : undefined;
      const created = await withAdministration(command.optsWithGlobals<StoreOptions>(), (store, actor) =>
        addUser(store.db, actor, { name, role: options.role, agency: options.agency, password }),
      );
      emit(options, created, (u) => `Added ${u.role} ${u.name}${u.agency ? ` of ${u.agency}` : ' (node administrator)'}${u.password ? ', with a password' : ''}. Create a token with 'crosslink token create --user ${u.name}'.`);
    });

  user
    .command('list')
    .description('list users (of your agency; everyone for a node administrator or auditor)')
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions, command: Command) => {
      const users = await withAdministration(command.optsWithGlobals<StoreOptions>(), (store, actor) => listUsers(store.db, actor));
      emit(options, users, (list) =>
        table(['NAME', 'ROLE', 'AGENCY', 'PASSWORD', 'STATE'], list.map((u) => [u.name, u.role, u.agency ?? '(node)', u.password ? 'yes' : 'no', u.disabled ? 'disabled' : u.lockedUntil ? `locked until ${u.lockedUntil}` : 'active'])),
      );
    });

  user
    .command('disable')
    .description('disable a user: no more logins or tokens, no case visible')
    .argument('<name>', 'the user name')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, options: OutputOptions, command: Command) => {
      const disabled = await withAdministration(command.optsWithGlobals<StoreOptions>(), (store, actor) => disableUser(store.db, actor, name));
      emit(options, disabled, (u) => `Disabled ${u.name}.`);
    });

  const token = program.command('token').description('API tokens: shown once, stored hashed');
  token
    .command('create')
    .description("create an API token (your own, or, as an administrator, one of your users'); prints it once")
    .requiredOption('--user <name>', 'whose token')
    .option('--label <text>', 'what it is for, e.g. "laptop" or "nightly export"')
    .option('--expires-days <n>', 'valid for this many days (default: until revoked)')
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions & { user: string; label?: string; expiresDays?: string }, command: Command) => {
      const expiresInDays = options.expiresDays === undefined ? undefined : Number(options.expiresDays);
      const issued = await withAdministration(command.optsWithGlobals<StoreOptions>(), (store, actor) =>
        createToken(store.db, actor, options.user, { label: options.label, expiresInDays }),
      );
      emit(options, issued, (t) =>
        [`Token ${t.id} for ${t.user}${t.expiresAt ? `, valid until ${t.expiresAt}` : ''} (shown only now; keep it secret):`, t.token, `Use it with --token or CROSSLINK_TOKEN; revoke it with 'crosslink token revoke ${t.id}'.`].join('\n'),
      );
    });

  token
    .command('list')
    .description('list the tokens you may manage (never the tokens themselves)')
    .option('--user <name>', "only this user's")
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions & { user?: string }, command: Command) => {
      const tokens = await withAdministration(command.optsWithGlobals<StoreOptions>(), (store, actor) => listTokens(store.db, actor, options.user));
      emit(options, tokens, (list) =>
        list.length === 0
          ? 'No tokens.'
          : table(['ID', 'USER', 'KIND', 'LABEL', 'CREATED', 'LAST USED', 'STATE'], list.map((t) => [t.id, t.user, t.kind, t.label, t.createdAt.slice(0, 16), t.lastUsedAt?.slice(0, 16), t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt < new Date().toISOString() ? 'expired' : 'valid'])),
      );
    });

  token
    .command('revoke')
    .description('revoke a token: it stops working at once')
    .argument('<id>', 'the token id (see crosslink token list)')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, options: OutputOptions, command: Command) => {
      const revoked = await withAdministration(command.optsWithGlobals<StoreOptions>(), (store, actor) => revokeToken(store.db, actor, id));
      emit(options, revoked, (t) => `Revoked token ${t.id} of ${t.user}.`);
    });

  for (const verb of ['grant', 'revoke'] as const) {
    program
      .command(verb)
      .description(verb === 'grant' ? "let a user see a case (supervisors and administrators of the case's agency)" : 'take back a grant: the user no longer sees the case')
      .requiredOption('--case <ref>', 'the case')
      .requiredOption('--user <name>', 'the user')
      .option('--json', 'print the result as JSON')
      .action(async (options: OutputOptions & { case: string; user: string }, command: Command) => {
        const storeOptions = command.optsWithGlobals<StoreOptions>();
        if (verb === 'grant') {
          const result = await withAdministration(storeOptions, (store, actor) => grantCase(store.db, actor, options.case, options.user));
          emit(options, result, (r) => (r.granted ? `${r.user} may now see case ${r.case}.` : `${r.user} could already see case ${r.case}.`));
        } else {
          const result = await withAdministration(storeOptions, (store, actor) => revokeCase(store.db, actor, options.case, options.user));
          emit(options, result, (r) => (r.revoked ? `${r.user} no longer sees case ${r.case}.` : `${r.user} was not a member of case ${r.case}.`));
        }
      });
  }

  program
    .command('members')
    .description('who may see a case')
    .argument('<case>', 'the case reference')
    .option('--json', 'print the result as JSON')
    .action(async (ref: string, options: OutputOptions, command: Command) => {
      const result = await withAdministration(command.optsWithGlobals<StoreOptions>(), (store, actor) => caseMembers(store.db, actor, ref));
      emit(options, result, (r) => `Case ${r.case} (${r.agency}):\n${table(['USER', 'ROLE', 'AGENCY', 'GRANTED BY', 'SINCE'], r.members.map((m) => [m.user, m.role, m.agency ?? '(node)', m.grantedBy ?? '(node)', m.grantedAt.slice(0, 16)]))}`);
    });
}

/**
 * The demo world's deconfliction scenario, set up once its users exist (before resolution): one
 * agency operates an account that another agency's case also holds (an undercover account in a
 * room both watch), the other agency targets it, and two units plan operations at one place and
 * time. Each raises an alert to both sides with the other's contact. Synthetic and benign; run
 * again, it adds nothing.
 */
import { sql } from 'kysely';
import { addIdentity, findUser, registerDeconfliction, withUser } from '../access/index.ts';
import type { Store } from '../store/index.ts';

export interface DemoUserRef {
  name: string;
  agency: string;
}

export interface DeconflictionDemo {
  /** The account one agency operates, as shown, and who operates it and who targeted it. */
  identity: { selector: string; operatedBy: string; targetedBy: string } | null;
  operations: { agencies: string[] } | null;
  alerts: number;
}

/** Monday of next week at 06:00 UTC, four hours: a plausible planned operation. */
function nextWeek(): { from: string; to: string } {
  const day = new Date();
  day.setUTCDate(day.getUTCDate() + ((8 - day.getUTCDay()) % 7 || 7));
  const date = day.toISOString().slice(0, 10);
  return { from: `${date}T06:00`, to: `${date}T10:00` };
}

export async function seedDeconfliction(store: Store, users: readonly DemoUserRef[]): Promise<DeconflictionDemo | undefined> {
  const seeded = await sql<{ n: string }>`SELECT (SELECT count(*) FROM le_identities) + (SELECT count(*) FROM deconfliction_registrations) AS n`.execute(store.db);
  if (Number(seeded.rows[0]?.n ?? 0) > 0) return undefined;
  const principal = async (user: DemoUserRef) => {
    const row = await findUser(store.db, user.name);
    return row ? { id: row.id, name: row.name } : undefined;
  };
  const userOf = new Map(users.map((user) => [user.agency, user]));
  const result: DeconflictionDemo = { identity: null, operations: null, alerts: 0 };

  // A chat account seen in cases of two agencies: the first (by name) operates it, the second targets it.
  const shared = await sql<{ value: string; shown: string; agencies: string[]; refs: string[] }>`
    SELECT i.value, coalesce(i.display, i.value) AS shown,
           array_agg(a.name ORDER BY a.name, c.ref) AS agencies, array_agg(c.ref ORDER BY a.name, c.ref) AS refs
    FROM identifiers i JOIN mentions m ON m.identifier_id = i.id JOIN entities e ON e.id = m.entity_id
    JOIN cases c ON c.id = m.case_id JOIN agencies a ON a.id = c.agency_id
    WHERE i.type = 'handle' AND e.kind = 'account'
    GROUP BY i.id, i.value, i.display
    HAVING count(DISTINCT c.agency_id) >= 2
    ORDER BY count(DISTINCT m.id), i.value
    LIMIT 1`.execute(store.db);
  const account = shared.rows[0];
  if (account) {
    const operator = userOf.get(account.agencies[0]!);
    const at = account.agencies.findIndex((agency) => agency !== account.agencies[0]);
    const targeter = at < 0 ? undefined : userOf.get(account.agencies[at]!);
    const operatorUser = operator && (await principal(operator));
    const targeterUser = targeter && (await principal(targeter));
    if (operator && targeter && operatorUser && targeterUser) {
      const contact = await store.db.selectFrom('agencies').select('contact').where('name', '=', operator.agency).executeTakeFirst();
      await withUser(store, operatorUser, (trx) =>
        addIdentity(
          trx,
          operatorUser.name,
          {
            selector: account.value,
            officer: typeof contact?.contact['officer'] === 'string' ? contact.contact['officer'] : operatorUser.name,
            authority: 'DEMO-AUTH-0001 (synthetic)',
            from: '2000-01-01',
            note: 'demo: an undercover account in a room another unit watches',
          },
          {},
        ),
      );
      const registered = await withUser(store, targeterUser, (trx) => registerDeconfliction(trx, targeterUser.name, { caseRef: account.refs[at]!, target: account.value }, {}));
      result.identity = { selector: account.shown, operatedBy: operator.agency, targetedBy: targeter.agency };
      result.alerts += registered.alerts.length * 2;
    }
  }

  // Two units, one morning, one ferry terminal (typed differently, 40 m apart).
  const [first, second] = users;
  const firstUser = first && (await principal(first));
  const secondUser = second && (await principal(second));
  const caseOf = async (agency: string) =>
    (await sql<{ ref: string }>`SELECT c.ref FROM cases c JOIN agencies a ON a.id = c.agency_id WHERE a.name = ${agency} ORDER BY c.ref LIMIT 1`.execute(store.db)).rows[0]?.ref;
  const firstCase = first && (await caseOf(first.agency));
  const secondCase = second && (await caseOf(second.agency));
  if (first && second && firstUser && secondUser && firstCase && secondCase) {
    const window = nextWeek();
    await withUser(store, firstUser, (trx) =>
      registerDeconfliction(trx, firstUser.name, { caseRef: firstCase, operation: 'search-warrant', ...window, place: 'Harbourview Ferry Terminal', lat: 43.6405, lon: -79.3757, radiusM: 150 }, {}),
    );
    const registered = await withUser(store, secondUser, (trx) =>
      registerDeconfliction(trx, secondUser.name, { caseRef: secondCase, operation: 'undercover meet', ...window, place: 'HARBOURVIEW ferry-terminal', lat: 43.6408, lon: -79.3754 }, {}),
    );
    result.operations = { agencies: [first.agency, second.agency] };
    result.alerts += registered.alerts.length * 2;
  }
  return result;
}

/**
 * Cross-agency hit notices and deconfliction contacts: "another agency holds this — contact …",
 * from a case of this node one may not see, or from another agency's node.
 * A notice card carries the contact and the reference to quote, and nothing else: the server
 * sends nothing else, and the card shows only these fields even if it one day did.
 */
import { caseUrl, Link } from '../router.tsx';
import type { Alert, Contact, FederatedHit, HitNotice } from '../types.ts';
import { When } from './common.tsx';

/** "DS Brook, Bravo Unit (GB), +44…, brook@…" — the parts there are. */
export function contactLine(contact: { officer: string | null; agency: string; country?: string | null; phone: string | null; email: string | null }): string {
  const agency = contact.country ? `${contact.agency} (${contact.country})` : contact.agency;
  return [contact.officer, agency, contact.phone, contact.email].filter((part): part is string => typeof part === 'string' && part !== '').join(', ');
}

function ContactParts({ contact }: { contact: Contact & { country?: string | null } }) {
  return (
    <>
      {contact.officer && <span className="contact-officer">{contact.officer}</span>}
      {contact.officer && ', '}
      <span className="contact-agency">
        {contact.agency}
        {contact.country ? ` (${contact.country})` : ''}
      </span>
      {contact.phone && (
        <>
          {', '}
          <a href={`tel:${contact.phone.replace(/[^+0-9]/g, '')}`}>{contact.phone}</a>
        </>
      )}
      {contact.email && (
        <>
          {', '}
          <a href={`mailto:${contact.email}`}>{contact.email}</a>
        </>
      )}
    </>
  );
}

export function HitNoticeCard({ notice }: { notice: HitNotice }) {
  return (
    <li className="hit-notice" aria-label={`Hit notice ${notice.reference}`}>
      <p className="hit-notice-head">
        <strong>Another agency holds this</strong> — contact <ContactParts contact={notice} />
      </p>
      <p className="small">
        About your {notice.about} · quote <strong className="hit-reference">{notice.reference}</strong> when you call
      </p>
    </li>
  );
}

/** The notices of a search or a page; nothing when there are none. */
export function HitNotices({ notices, title = 'Held by another agency' }: { notices: readonly HitNotice[] | undefined; title?: string }) {
  if (!notices || notices.length === 0) return null;
  return (
    <section className="panel hit-notices" aria-labelledby="hit-notices-title">
      <h2 id="hit-notices-title">{title}</h2>
      <p className="muted small">You may not see these cases. Call their officer, quoting the reference; nothing of their case is shown here.</p>
      <ul className="hit-notice-list">
        {notices.map((notice) => (
          <HitNoticeCard key={notice.reference} notice={notice} />
        ))}
      </ul>
    </section>
  );
}

export function ContactLine({ contact }: { contact: Contact & { country?: string | null } }) {
  return <ContactParts contact={contact} />;
}

/**
 * A hit another agency's node reported on one of my cases: whom to call there and the reference to
 * quote, the selector of mine it is about, and (only where their case shares everything) their
 * case's reference.
 */
export function FederatedHitCard({ hit, showCase = true }: { hit: FederatedHit; showCase?: boolean }) {
  const contact = { agency: hit.agency.name, country: hit.agency.country, officer: hit.contact.officer ?? null, phone: hit.contact.phone ?? null, email: hit.contact.email ?? null };
  return (
    <li className="hit-notice federated-hit" aria-label={`Hit notice ${hit.reference} from ${hit.node}`}>
      <p className="hit-notice-head">
        <strong>Another agency's node holds this</strong> — contact <ContactParts contact={contact} />
      </p>
      <p className="small">
        Your {hit.identifier.type} <strong>{hit.identifier.value}</strong>
        {showCase && (
          <>
            {' '}
            in <Link to={caseUrl(hit.case)}>{hit.case}</Link>
          </>
        )}{' '}
        · quote <strong className="hit-reference">{hit.reference}</strong> when you call
        {hit.otherCase ? ` · their case ${hit.otherCase.ref}` : ''} · node {hit.node} · <When at={hit.receivedAt} />
      </p>
    </li>
  );
}

/** " · node X · quote XL-…" for an alert another agency's node raised; nothing for a local one. */
export function AlertOrigin({ alert }: { alert: Alert }) {
  if (!alert.from) return null;
  return (
    <>
      {` · node ${alert.from.node} · quote `}
      <strong className="hit-reference">{alert.from.reference}</strong> when you call
    </>
  );
}

/**
 * A chat log as it was read: one thread per conversation (a room, or two people writing directly),
 * each in time order, every line with its writer's marker, the identifiers in it as chips and the
 * searched words marked. Room events (joins, topic changes) sit in the thread as quiet lines.
 */
import { When } from '../common.tsx';
import { entityUrl, Link } from '../../router.tsx';
import type { RecordParty, RecordSummary } from '../../types.ts';
import { EvidenceText, IdentifierChip, identifiersBeside } from './EvidenceText.tsx';
import { recordItemProps, type RecordNav } from './nav.ts';
import { markerFor, ParticipantName } from './participants.tsx';
import { OpenRecordButton } from './RecordRow.tsx';
import { propertyLabel, propertyText } from './RecordTable.tsx';

export interface Thread {
  key: string;
  /** The room, or null for direct messages and records of no room. */
  room: RecordParty | null;
  /** For direct messages: the two who wrote to each other. */
  between: [RecordParty, RecordParty] | null;
  records: RecordSummary[];
}

function conversationOf(record: RecordSummary): Pick<Thread, 'key' | 'room' | 'between'> {
  const { room, actor, target } = record.parties;
  if (room) return { key: room.id, room, between: null };
  if (actor && target) {
    const pair = [actor, target].sort((a, b) => a.id.localeCompare(b.id)) as [RecordParty, RecordParty];
    return { key: `dm:${pair[0].id}:${pair[1].id}`, room: null, between: pair };
  }
  return { key: 'none', room: null, between: null };
}

/**
 * The page's records as threads, in the order each conversation first appears. Within a thread,
 * time order when every record is dated; otherwise the file's own order (an undated line is not
 * moved to one end).
 */
export function chatThreads(records: readonly RecordSummary[]): Thread[] {
  const threads = new Map<string, Thread>();
  for (const record of records) {
    const conversation = conversationOf(record);
    const thread = threads.get(conversation.key) ?? { ...conversation, records: [] };
    thread.records.push(record);
    threads.set(conversation.key, thread);
  }
  for (const thread of threads.values()) {
    if (thread.records.every((record) => record.occurredAt !== null)) {
      thread.records.sort((a, b) => a.occurredAt!.localeCompare(b.occurredAt!) || (a.source.line ?? 0) - (b.source.line ?? 0));
    }
  }
  return [...threads.values()];
}

const CHAT_KINDS = new Set(['message', 'room_event']);

/** The identifiers worth a chip beside a chat line: not the writer's own (their name already links to them). */
const besideChat = (role: string | null) => role !== 'sender' && role !== 'target';

function ChatLine({ record, nav, ranks, terms }: { record: RecordSummary; nav: RecordNav; ranks: ReadonlyMap<string, number>; terms: RegExp | null }) {
  const { actor, target } = record.parties;
  const event = record.kind === 'room_event';
  const beside = identifiersBeside(record.text, record.identifiers, besideChat);
  const hit = nav.hits.has(record.id);
  const marker = actor ? ranks.get(actor.id) : undefined;
  return (
    <li
      className={`chat-line${event ? ' room-event' : ''}${hit ? ' hit' : ''}`}
      {...recordItemProps(nav, record)}
      onDoubleClick={() => nav.onOpen(record)}
      data-marker={marker ?? 'none'}
      style={{ ['--participant' as string]: markerFor(marker).colour }}
    >
      <div className="chat-meta">
        {actor ? <ParticipantName party={actor} rank={marker} /> : <span className="muted">{event ? 'room' : 'unknown writer'}</span>}
        {target && !event && (
          <span className="muted small">
            {' '}
            to <Link to={entityUrl(target.id)}>{target.label}</Link>
          </span>
        )}
        <span className="chat-time small">
          <When at={record.occurredAt} />
        </span>
        {hit && <span className="hit-flag small">match</span>}
        {event && typeof record.props['event'] === 'string' && <span className="kind-badge">{record.props['event']}</span>}
        <OpenRecordButton record={record} nav={nav} className="chat-open" />
      </div>
      {record.text !== null && (
        <p className="chat-text wrap">
          <EvidenceText text={record.text} identifiers={record.identifiers} terms={terms} />
          {record.truncated && (
            <>
              …{' '}
              <button type="button" className="link small" onClick={() => nav.onOpen(record)}>
                the whole message
              </button>
            </>
          )}
        </p>
      )}
      {record.text === null && !CHAT_KINDS.has(record.kind) && (
        <p className="chat-text small">
          <span className="kind-badge">{record.kind.replace(/_/g, ' ')}</span>{' '}
          {Object.entries(record.props)
            .map(([name, value]) => `${propertyLabel(name)}: ${propertyText(value)}`)
            .join(' · ')}
        </p>
      )}
      {beside.length > 0 && (
        <p className="chip-row">
          {beside.map((identifier) => (
            <IdentifierChip key={identifier.id} identifier={identifier} />
          ))}
        </p>
      )}
    </li>
  );
}

function threadTitle(thread: Thread) {
  if (thread.room)
    return (
      <>
        <span className="kind-badge">room</span>{' '}
        <Link to={entityUrl(thread.room.id)} className="wrap">
          {thread.room.label}
        </Link>
      </>
    );
  if (thread.between)
    return (
      <>
        <span className="kind-badge">direct</span> <Link to={entityUrl(thread.between[0].id)}>{thread.between[0].label}</Link> ↔{' '}
        <Link to={entityUrl(thread.between[1].id)}>{thread.between[1].label}</Link>
      </>
    );
  return <span className="muted">Outside any conversation</span>;
}

export function ChatLog({ threads, nav, ranks, terms }: { threads: readonly Thread[]; nav: RecordNav; ranks: ReadonlyMap<string, number>; terms: RegExp | null }) {
  return (
    <>
      {threads.map((thread, index) => {
        const first = thread.records[0]?.occurredAt;
        const last = thread.records[thread.records.length - 1]?.occurredAt;
        return (
          <section key={thread.key} className="thread" aria-labelledby={`thread-${index}`}>
            <h3 id={`thread-${index}`} className="thread-title">
              {threadTitle(thread)}{' '}
              <span className="muted small">
                · {thread.records.length.toLocaleString()} on this page
                {first && (
                  <>
                    {' '}
                    · <When at={first} />
                    {last && last !== first && (
                      <>
                        {' '}
                        – <When at={last} />
                      </>
                    )}
                  </>
                )}
              </span>
            </h3>
            <ol className="chat-log">
              {thread.records.map((record) => (
                <ChatLine key={record.id} record={record} nav={nav} ranks={ranks} terms={terms} />
              ))}
            </ol>
          </section>
        );
      })}
    </>
  );
}

// Telegram Desktop "result.json" export of one group, streamed message by message in the
// client's own one-space indentation; `text` is a string or a mixed array, as the client writes it.
import type { Zone } from '../time.ts';
import { isoLocal, p2 } from '../time.ts';
import { BufWriter } from '../writer.ts';
import type { Person } from '../people.ts';
import type { RoomScript, Segment } from './script.ts';
import type { WriteStats } from './irc.ts';

function indent(obj: unknown): string {
  return `  ${JSON.stringify(obj, null, 1).replace(/\n/g, '\n  ')}`;
}

export function writeTelegram(file: string, script: RoomScript, zone: Zone, sizes: ReadonlyMap<string, [number, number]>): WriteStats {
  const { room, rng } = script;
  const out = new BufWriter(file);
  const name = (p: Person): string => p.accounts.telegram?.handle ?? p.first;
  const uid = (p: Person): string => p.accounts.telegram?.id ?? 'user0';
  const chatId = 1_000_000_000 + rng.int(0, 999_999_999);
  out.write(`{\n "name": ${JSON.stringify(room.name)},\n "type": "${room.members.length > 5 ? 'private_supergroup' : 'private_group'}",\n "id": ${chatId},\n "messages": [\n`);
  let id = 0;
  let first = true;
  let records = 0;
  let photoN = 0;
  const emit = (obj: Record<string, unknown>): void => {
    out.write(first ? indent(obj) : `,\n${indent(obj)}`);
    first = false;
  };
  const stamp = (t: number): { date: string; date_unixtime: string } => ({
    date: isoLocal(zone.local(t)), date_unixtime: String(Math.floor(t / 1000)),
  });
  emit({
    id: ++id, type: 'service', ...stamp(room.start - 3_600_000), actor: name(room.host), actor_id: uid(room.host),
    action: 'create_group', title: room.name, members: room.members.map(name), text: '', text_entities: [],
  });
  for (let ev = script.next(); ev; ev = script.next()) {
    const who = ev.who;
    if (ev.kind !== 'msg' && ev.kind !== 'action') {
      if (ev.kind === 'nick') continue;
      const joined = ev.kind === 'join';
      emit({
        id: ++id, type: 'service', ...stamp(ev.t), actor: name(joined ? room.host : who), actor_id: uid(joined ? room.host : who),
        action: joined ? 'invite_members' : 'remove_members', members: [name(who)], text: '', text_entities: [],
      });
      continue;
    }
    const msg: Record<string, unknown> = { id: ++id, type: 'message', ...stamp(ev.t), from: name(who), from_id: uid(who) };
    let segments: Segment[] | undefined;
    let text = ev.text;
    if (ev.kind === 'msg') {
      if (ev.replyBack && id - ev.replyBack > 1) msg.reply_to_message_id = id - ev.replyBack;
      if (ev.media) {
        const d = zone.local(ev.t);
        msg.photo = `photos/photo_${++photoN}@${p2(d.d)}-${p2(d.mo)}-${d.y}_${p2(d.h)}-${p2(d.mi)}-${p2(d.s)}.jpg`;
        const size = sizes.get(ev.media.path);
        if (size) {
          msg.width = size[0];
          msg.height = size[1];
        }
      }
      if (ev.to) text = `${name(ev.to)}, ${text}`;
      segments = ev.segments && !ev.to ? ev.segments : undefined;
      if (rng.chance(0.01)) {
        msg.edited = isoLocal(zone.local(ev.t + 60_000));
        msg.edited_unixtime = String(Math.floor(ev.t / 1000) + 60);
      }
    }
    if (segments) {
      msg.text = segments.map((s) => (s.type === 'plain' ? s.text : { type: s.type, text: s.text }));
      msg.text_entities = segments.map((s) => ({ type: s.type, text: s.text }));
    } else {
      msg.text = text;
      msg.text_entities = text ? [{ type: 'plain', text }] : [];
    }
    emit(msg);
    records++;
  }
  out.write('\n ]\n}\n');
  return { records, bytes: out.close() };
}

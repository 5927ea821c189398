// WhatsApp "Export chat" text files in three phone locales (en-US 12 h, en-GB 24 h, de-DE),
// with system lines, multi-line messages and media placeholders, exactly as phones write them.
import type { Zone, Local } from '../time.ts';
import { p2 } from '../time.ts';
import { BufWriter } from '../writer.ts';
import type { Person } from '../people.ts';
import type { RoomScript } from './script.ts';
import type { WriteStats } from './irc.ts';
import type { WaLocale } from '../agencies.ts';

interface LocaleText {
  stamp: (l: Local, narrow: boolean) => string;
  e2e: string;
  created: (host: string, group: string) => string;
  added: (host: string, who: string) => string;
  joined: (who: string) => string;
  left: (who: string) => string;
  media: string;
}

const LOCALES: Readonly<Record<WaLocale, LocaleText>> = {
  'en-US': {
    stamp: (l, narrow) => {
      const h12 = l.h % 12 === 0 ? 12 : l.h % 12;
      return `${l.mo}/${l.d}/${p2(l.y % 100)}, ${h12}:${p2(l.mi)}${narrow ? '\u202f' : ' '}${l.h < 12 ? 'AM' : 'PM'}`;
    },
    e2e: 'Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.',
    created: (h, g) => `${h} created group "${g}"`,
    added: (h, w) => `${h} added ${w}`,
    joined: (w) => `${w} joined using this group's invite link`,
    left: (w) => `${w} left`,
    media: '<Media omitted>',
  },
  'en-GB': {
    stamp: (l) => `${p2(l.d)}/${p2(l.mo)}/${l.y}, ${p2(l.h)}:${p2(l.mi)}`,
    e2e: 'Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.',
    created: (h, g) => `${h} created group "${g}"`,
    added: (h, w) => `${h} added ${w}`,
    joined: (w) => `${w} joined using this group's invite link`,
    left: (w) => `${w} left`,
    media: '<Media omitted>',
  },
  'de-DE': {
    stamp: (l) => `${p2(l.d)}.${p2(l.mo)}.${p2(l.y % 100)}, ${p2(l.h)}:${p2(l.mi)}`,
    e2e: 'Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt. Niemand außerhalb dieses Chats kann sie lesen oder anhören, nicht einmal WhatsApp. Tippe, um mehr zu erfahren.',
    created: (h, g) => `${h} hat die Gruppe „${g}“ erstellt`,
    added: (h, w) => `${h} hat ${w} hinzugefügt`,
    joined: (w) => `${w} ist über den Einladungslink dieser Gruppe beigetreten`,
    left: (w) => `${w} hat die Gruppe verlassen`,
    media: '<Medien ausgeschlossen>',
  },
};

export function whatsappFileName(locale: WaLocale, group: string): string {
  return locale === 'de-DE' ? `WhatsApp-Chat mit ${group}.txt` : `WhatsApp Chat with ${group}.txt`;
}

export function writeWhatsApp(file: string, script: RoomScript, zone: Zone): WriteStats {
  const { room } = script;
  const loc = LOCALES[room.waLocale];
  const out = new BufWriter(file);
  const name = (p: Person): string => p.accounts.whatsapp?.handle ?? p.first;
  const head = (t: number): string => `${loc.stamp(zone.local(t), room.waNarrowSpace)} - `;
  let t0 = room.start - 3_600_000;
  out.write(`${head(t0)}${loc.e2e}\n`);
  out.write(`${head(t0)}${loc.created(name(room.host), room.name)}\n`);
  for (const m of room.members) if (m !== room.host) out.write(`${head((t0 += 60_000))}${loc.added(name(room.host), name(m))}\n`);
  let records = 0;
  for (let ev = script.next(); ev; ev = script.next()) {
    const who = ev.who;
    switch (ev.kind) {
      case 'nick':
        break;
      case 'join':
        out.write(`${head(ev.t)}${loc.joined(name(who))}\n`);
        break;
      case 'part':
      case 'quit':
        out.write(`${head(ev.t)}${loc.left(name(who))}\n`);
        break;
      case 'action':
        out.write(`${head(ev.t)}${name(who)}: *${ev.text}*\n`);
        records++;
        break;
      case 'msg': {
        const text = ev.media ? loc.media : ev.to ? `@${name(ev.to)} ${ev.text}` : ev.text;
        out.write(`${head(ev.t)}${name(who)}: ${text}\n`);
        records++;
        break;
      }
    }
  }
  return { records, bytes: out.close() };
}

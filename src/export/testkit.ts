/**
 * Shared by the export tests: running a format into a string, a strict RFC 4180 reader, the
 * expected text after each format's documented clean-up, a hand-made graph of every kind with
 * hostile labels, and seeded random graphs for the fuzz tests.
 */
import { Writable } from 'node:stream';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { GraphData, GraphEdge, GraphNode } from '../analysis/graph-data.ts';
import { seededRandom } from '../analysis/random.ts';
import type { ExportFormat } from './types.ts';

/** Runs the export into memory; `slow` makes the stream accept one small chunk per tick, to exercise back-pressure. */
export async function exportToString(format: ExportFormat, graph: GraphData, options: { slow?: boolean } = {}): Promise<string> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    highWaterMark: options.slow ? 64 : 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      if (options.slow) setImmediate(callback);
      else callback();
    },
  });
  await format.write(graph, out);
  // fatal: an export that is not valid UTF-8 fails here rather than being repaired; ignoreBOM: keep a byte-order mark to check it.
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Buffer.concat(chunks));
}

// ---- XML ------------------------------------------------------------------------------------

export type XmlElement = Record<string, unknown>;

/**
 * Checks what fast-xml-parser lets through: every character is an XML 1.0 Char, every `&` starts a
 * predefined or numeric reference, every `<` and `>` belongs to a tag, and every tag is a name with
 * well-formed double-quoted attributes. Throws with the offending place.
 */
export function checkXmlLexically(xml: string): void {
  for (const char of xml) {
    const code = char.codePointAt(0) ?? 0;
    if (!isXmlChar(code)) throw new Error(`XML: character U+${code.toString(16)} is not allowed`);
  }
  const badReference = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/.exec(xml);
  if (badReference) throw new Error(`XML: bare & at ${badReference.index}`);
  const TAG = /<[^<>]*>/g;
  const ATTRIBUTE = '\\s+[A-Za-z_:][\\w:.-]*="[^"<]*"';
  const element = new RegExp(`^<(?:/[A-Za-z_][\\w:.-]*\\s*|[A-Za-z_][\\w:.-]*(?:${ATTRIBUTE})*\\s*/?)>$`);
  const declaration = new RegExp(`^<\\?xml(?:${ATTRIBUTE})*\\s*\\?>$`);
  for (const match of xml.matchAll(TAG)) {
    if (!element.test(match[0]) && !declaration.test(match[0])) throw new Error(`XML: malformed tag at ${match.index}: ${match[0].slice(0, 200)}`);
  }
  const outside = xml.replace(TAG, '');
  const stray = /[<>]/.exec(outside);
  if (stray) throw new Error(`XML: stray ${stray[0]} outside tags`);
}

/** Validates (nesting, quoting) and parses into plain objects: every element an array, attributes as `@name`, text as `#text`. */
export function parseXml(xml: string): XmlElement {
  checkXmlLexically(xml);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`XML: ${valid.err.msg} (line ${valid.err.line})`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    textNodeName: '#text',
    trimValues: false,
    parseTagValue: false,
    parseAttributeValue: false,
    ignoreDeclaration: true,
    // Numeric character references (&#10;) are decoded only with this on; the writers emit no named HTML entities.
    htmlEntities: true,
    alwaysCreateTextNode: true,
    isArray: (_name, _path, _isLeaf, isAttribute) => !isAttribute,
  });
  return parser.parse(xml) as XmlElement;
}

/** The child elements called `name`. */
export function children(element: XmlElement | undefined, name: string): XmlElement[] {
  const value = element?.[name];
  return Array.isArray(value) ? (value as XmlElement[]) : [];
}

export function attr(element: XmlElement, name: string): string | undefined {
  const value = element[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}

/** Element text; an element written empty (`<data key="k"></data>`) reads as ''. */
export function text(element: XmlElement): string {
  const value = element['#text'];
  return typeof value === 'string' ? value : '';
}

/** A strict RFC 4180 reader: throws on anything the RFC does not allow (bare quotes, text after a closing quote, LF-only record ends). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const fail = (why: string) => {
    throw new Error(`CSV offset ${i}: ${why}`);
  };
  if (text === '') return rows;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote === -1) fail('unterminated quoted field');
        field += text.slice(i, quote);
        i = quote + 1;
        if (text[i] === '"') {
          field += '"';
          i++;
        } else break;
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') fail('quote inside an unquoted field');
        field += text[i];
        i++;
      }
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text.startsWith('\r\n', i)) {
      i += 2;
      rows.push(row);
      row = [];
      if (i === text.length) return rows;
      continue;
    }
    if (i === text.length) {
      rows.push(row);
      return rows;
    }
    fail(`unexpected ${JSON.stringify(text[i])} after a field`);
  }
}

/** Code points, with a lone surrogate as itself (so it can be recognised). */
function* codeUnitsAsChars(text: string): Generator<string> {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      yield text.slice(i, i + 2);
      i++;
    } else yield text[i] as string;
  }
}

const isLoneSurrogate = (char: string) => char.length === 1 && char.charCodeAt(0) >= 0xd800 && char.charCodeAt(0) <= 0xdfff;

/** What survives UTF-8: lone surrogates become U+FFFD. */
export function expectedUnicode(text: string): string {
  let result = '';
  for (const char of codeUnitsAsChars(text)) result += isLoneSurrogate(char) ? '\uFFFD' : char;
  return result;
}

/** True for the characters of XML 1.0's Char production. */
export function isXmlChar(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

/** What an XML export promises to keep: every character XML 1.0 allows; the others as U+FFFD. */
export function expectedXml(text: string): string {
  let result = '';
  for (const char of codeUnitsAsChars(text)) result += isLoneSurrogate(char) || !isXmlChar(char.codePointAt(0) ?? 0) ? '\uFFFD' : char;
  return result;
}

/** What a CSV cell holding text should read: UTF-8-safe, with an apostrophe before a formula start. */
export function expectedCsvText(text: string): string {
  const safe = expectedUnicode(text);
  return /^[=+\-@\t\r]/.test(safe) ? `'${safe}` : safe;
}

/** Labels that have broken exporters: markup, quotes, separators, line breaks, controls, astral emoji, lone surrogates, formulas. */
export const NASTY_LABELS: readonly string[] = [
  'Tom & Jerry <admin@example.com>',
  'She said "hi", then \'bye\'',
  'line one\nline two\r\nline three\rend',
  '\ttabbed\tvalue',
  'bell\u0007 nul\u0000 esc\u001b vt\u000b ff\u000c',
  'emoji 🦊🏳️‍🌈 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'lone high \ud83d and lone low \ude00',
  'not chars \uFFFE\uFFFF',
  '=HYPERLINK("http://example.com","click")',
  '+1 555 0100',
  '-2+3',
  '@SUM(A1:A2)',
  ']]> <![CDATA[ x ]]>',
  '&amp; &#38; &lt; already escaped',
  '  leading and trailing spaces  ',
  'a,b;c|d',
  '',
  'Ünïcödé — ΑΒΓ — 漢字 — עברית — العربية',
];

export function node(id: string, kind: string, label: string, extra: Partial<GraphNode> = {}): GraphNode {
  return { id, kind, label, props: {}, ...extra };
}

export function edge(id: string, source: string, target: string, kind: string, extra: Partial<GraphEdge> = {}): GraphEdge {
  return { id, source, target, kind, directed: true, weight: 1, firstSeen: null, lastSeen: null, props: {}, ...extra };
}

/** Every node kind and the projection's edge kinds, with the labels above spread over them. */
export function sampleGraph(): GraphData {
  const nodes: GraphNode[] = [
    node('e1', 'person', 'Sam "Falcon" Rowe', {
      caseRef: 'TOR-2024-0017',
      agency: 'Toronto PS <Sex Crimes>',
      props: { full_name: 'Samuel Rowe', first_name: 'Samuel', last_name: 'Rowe', birth_date: '1984-03-07', sex: 'M', nationality: 'CA', aliases: ['falcon', 'sammy'] },
    }),
    node('e2', 'account', 'dark_falcon77', { caseRef: 'TOR-2024-0017', agency: 'Toronto PS <Sex Crimes>', props: { platform: 'telegram', handle: 'dark_falcon77', display_name: 'Falcon 🦅' } }),
    node('e3', 'chat_room', '#garden & friends', { caseRef: 'TOR-2024-0017', agency: 'Toronto PS <Sex Crimes>', props: { platform: 'irc', name: '#garden & friends', network: 'efnet', topic: 'line\nbreak' } }),
    node('e4', 'merchant', 'ACME "Cloud" Storage', { caseRef: 'TOR-2024-0017', agency: 'Toronto PS <Sex Crimes>', props: { name: 'ACME Cloud Storage', mcc: '4816', country: 'US' } }),
    node('e5', 'device', 'Laptop, grey', { caseRef: 'OTT-2023-0400', agency: 'Ottawa PS', props: { make: 'Lenovo', model: 'T480', serial: 'PF-1234' } }),
    node('e6', 'media', 'IMG_0001.jpg', { caseRef: 'OTT-2023-0400', agency: 'Ottawa PS', props: { file_name: 'IMG_0001.jpg', bytes: 123456, mime_type: 'image/jpeg', width: 640, height: 480 } }),
    node('e7', 'location', '12 Garden Rd, Ottawa', {
      caseRef: 'OTT-2023-0400',
      agency: 'Ottawa PS',
      props: { address: '12 Garden Rd', city: 'Ottawa', postcode: 'K1A 0B1', country: 'Canada', latitude: 45.42, longitude: -75.69 },
    }),
    node('e8', 'organisation', 'Garden Club', { caseRef: 'OTT-2023-0400', agency: 'Ottawa PS', props: { name: 'Garden Club', country: 'ca' } }),
    node('e9', 'person', NASTY_LABELS[0] as string, { caseRef: 'OTT-2023-0400', agency: 'Ottawa PS', props: { nested: { deep: { value: 'x' } }, label: 'shadowed label prop' } }),
    node('i1', 'identifier', 'sam.rowe@example.com', { identifierType: 'email', props: { type: 'email', value: 'sam.rowe@example.com' } }),
    node('i2', 'identifier', '+1 416-555-0123', { identifierType: 'phone', props: { type: 'phone', value: '+14165550123' } }),
    node('i3', 'identifier', 'hmac:5f2b', { identifierType: 'card', props: { type: 'card', value: 'hmac:5f2b' } }),
    node('i4', 'identifier', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', { identifierType: 'sha1', props: { type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' } }),
    node('s1', 'subject', 'Samuel Rowe (subject)'),
  ];
  NASTY_LABELS.forEach((label, i) => nodes.push(node(`n${i}`, 'person', label, { caseRef: `CASE-${i}`, props: { note: label } })));
  nodes.push(node('lonely', 'device', '=cmd|"/C calc"!A0', { caseRef: '-1', props: {} }));

  const edges: GraphEdge[] = [
    edge('l1', 'e1', 'e8', 'member_of', { props: { role: 'member' }, firstSeen: '2024-03-01T12:00:00.000Z', lastSeen: '2024-03-09T08:30:00.000Z', caseRef: 'OTT-2023-0400' }),
    edge('l2', 'e2', 'e3', 'member_of', { props: { role: 'host' }, caseRef: 'TOR-2024-0017' }),
    edge('l3', 'e2', 'e2', 'messaged', { weight: 12, props: { count: 12 }, firstSeen: '2024-02-01T00:00:00.000Z', lastSeen: '2024-02-03T00:00:00.000Z' }),
    edge('l4', 'e1', 'e4', 'paid', { weight: 3, props: { count: 3, total: 59.97, currency: 'USD' }, firstSeen: '2024-01-05T10:00:00.000Z', caseRef: 'TOR-2024-0017' }),
    edge('l5', 'e1', 'e5', 'owns', {}),
    edge('l6', 'e6', 'e5', 'appears_in', {}),
    edge('l7', 'e5', 'e7', 'sighted_at', { props: { network: 'bittorrent', count: 2 } }),
    edge('l8', 'e1', 'e9', 'same_as', { directed: false, weight: 0.87, props: { reason: 'same email, same birth date' } }),
    edge('m1-1', 'e1', 'i1', 'mentions', { directed: false, weight: 4, props: { type: 'email' } }),
    edge('m2-2', 'e2', 'i2', 'mentions', { directed: false, weight: 2, props: { type: 'phone' } }),
    edge('m1-3', 'e1', 'i3', 'mentions', { directed: false, weight: 1, props: { type: 'card' } }),
    edge('m6-4', 'e6', 'i4', 'mentions', { directed: false, weight: 1, props: { type: 'sha1' } }),
    edge('sm1-1', 's1', 'e1', 'member', { directed: false, weight: 0.93 }),
    edge('sm1-2', 's1', 'e2', 'member', { directed: false, weight: 0.91 }),
    edge('l9', 'e8', 'e7', 'located_at', { weight: -2.5, props: { '=weird key': '-danger' } }),
  ];
  NASTY_LABELS.forEach((label, i) => edges.push(edge(`x${i}`, `n${i}`, `n${(i + 1) % NASTY_LABELS.length}`, 'same_as', { directed: i % 2 === 0, weight: i + 0.5, props: { reason: label } })));
  return { nodes, edges };
}

// ---- random graphs --------------------------------------------------------------------------

const NODE_KINDS = ['person', 'account', 'chat_room', 'merchant', 'device', 'media', 'location', 'organisation', 'identifier', 'subject', 'weird kind'];
const EDGE_KINDS = ['member_of', 'messaged', 'paid', 'owns', 'same_as', 'sighted_at', 'mentions', 'member', 'located_at', 'constructor', 'odd kind'];
const IDENTIFIER_TYPES = ['email', 'phone', 'handle', 'ip', 'card', 'sha1', 'pdq', 'unknown'];
const PROP_KEYS = ['name', 'count', 'total', 'flag', 'label', 'kind', 'role', 'note', 'weight', 'record', 'props.x', 'ünï'];

/** Random text: mostly printable, with controls, markup, quotes, line breaks, astral characters and lone surrogates mixed in. */
export function randomText(random: () => number, maxLength = 24): string {
  const pools = [
    () => String.fromCharCode(0x20 + Math.floor(random() * 95)),
    () => String.fromCharCode(Math.floor(random() * 0x20)),
    () => '<>&"\',;\r\n\t=+-@_'.charAt(Math.floor(random() * 16)),
    () => String.fromCodePoint(0x1f300 + Math.floor(random() * 0x300)),
    () => String.fromCharCode(0xd800 + Math.floor(random() * 0x800)),
    () => String.fromCharCode(0xa0 + Math.floor(random() * 0xd700)),
    () => (random() < 0.5 ? '\uFFFE' : '\uFFFF'),
  ];
  const weights = [0.55, 0.08, 0.12, 0.08, 0.04, 0.1, 0.03];
  const length = Math.floor(random() * (maxLength + 1));
  let text = '';
  for (let i = 0; i < length; i++) {
    let r = random();
    let pool = 0;
    while (pool < weights.length - 1 && r > (weights[pool] as number)) r -= weights[pool++] as number;
    text += (pools[pool] as () => string)();
  }
  return text;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function randomScalar(random: () => number): string | number | boolean {
  const r = random();
  if (r < 0.5) return randomText(random, 12);
  if (r < 0.7) return Math.floor(random() * 2000) - 1000;
  if (r < 0.85) return (random() - 0.5) * 1e6;
  if (r < 0.95) return random() < 0.5;
  return pick(random, [Number.NaN, Number.POSITIVE_INFINITY, 1e21, -0]);
}

function realisticIdentifier(random: () => number, type: string): string {
  const n = Math.floor(random() * 10000);
  switch (type) {
    case 'email':
      return `user${n}@example.com`;
    case 'phone':
      return `+1416555${String(n).padStart(4, '0')}`;
    case 'ip':
      return random() < 0.5 ? `198.51.100.${n % 256}` : `2001:db8::${n.toString(16)}`;
    case 'sha1':
      return n.toString(16).padStart(40, '0');
    case 'handle':
      return `user_${n}@telegram`;
    default:
      return `token:${n}`;
  }
}

/** A random graph with unique ids (some hostile), random kinds, labels and flat scalar properties. */
export function randomGraph(seed: number, size = { nodes: 40, edges: 80 }): GraphData {
  const random = seededRandom(seed);
  const nodes: GraphNode[] = [];
  const ids = new Set<string>();
  while (nodes.length < size.nodes) {
    const id = random() < 0.7 ? `${pick(random, ['e', 'i', 's'])}${Math.floor(random() * 1e6)}` : randomText(random, 10);
    if (ids.has(id)) continue;
    ids.add(id);
    const kind = pick(random, NODE_KINDS);
    const props: Record<string, unknown> = {};
    for (let i = Math.floor(random() * 4); i > 0; i--) props[pick(random, PROP_KEYS)] = randomScalar(random);
    const extra: Partial<GraphNode> = { props };
    if (kind === 'identifier') {
      extra.identifierType = pick(random, IDENTIFIER_TYPES);
      props['type'] = extra.identifierType;
      // Half the values are well-formed, so identifiers also land in their FtM properties, not only in notes.
      props['value'] = random() < 0.5 ? realisticIdentifier(random, extra.identifierType) : randomText(random, 16);
    } else if (kind !== 'subject') {
      extra.caseRef = randomText(random, 8);
      if (random() < 0.8) extra.agency = randomText(random, 12);
    }
    nodes.push(node(id, kind, randomText(random), extra));
  }
  const nodeIds = nodes.map((n) => n.id);
  const edges: GraphEdge[] = [];
  const edgeIds = new Set<string>();
  while (edges.length < size.edges && nodes.length > 0) {
    const id = random() < 0.7 ? `l${Math.floor(random() * 1e6)}` : randomText(random, 10);
    if (edgeIds.has(id)) continue;
    edgeIds.add(id);
    const props: Record<string, unknown> = {};
    for (let i = Math.floor(random() * 3); i > 0; i--) props[pick(random, PROP_KEYS)] = randomScalar(random);
    const day = 1 + Math.floor(random() * 28);
    edges.push(
      edge(id, pick(random, nodeIds), pick(random, nodeIds), pick(random, EDGE_KINDS), {
        directed: random() < 0.6,
        weight: random() < 0.1 ? -Math.floor(random() * 10) : Math.round(random() * 1000) / 10,
        firstSeen: random() < 0.5 ? null : `2024-03-${String(day).padStart(2, '0')}T10:00:00.000Z`,
        lastSeen: random() < 0.5 ? null : `2024-04-${String(day).padStart(2, '0')}T18:30:15.000Z`,
        caseRef: random() < 0.2 ? undefined : randomText(random, 8),
        props,
      }),
    );
  }
  return { nodes, edges };
}

/** Collects differences instead of failing on the first, so one assertion reports them all (and thousands of checks stay fast). */
export class Differences {
  readonly list: string[] = [];

  same(actual: unknown, expected: unknown, what: string): void {
    if (!Object.is(actual, expected)) this.list.push(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }

  check(condition: boolean, what: string): void {
    if (!condition) this.list.push(what);
  }
}

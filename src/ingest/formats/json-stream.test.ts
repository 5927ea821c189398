// The streaming JSON walker: same events however the bytes are chunked, right lines and offsets,
// errors as events (never thrown), skipped parts never parsed.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JsonWalker, walkJson, type JsonEvent, type JsonPath, type PathAction } from './json-stream.ts';

const plan = (path: JsonPath): PathAction => {
  if (path.length === 0) return 'descend';
  if (path.length === 1) return path[0] === 'items' ? 'descend' : path[0] === 'title' ? 'capture' : 'skip';
  return path.length === 2 && path[0] === 'items' ? 'capture' : 'skip';
};

function walkChunks(chunks: Buffer[]): JsonEvent[] {
  const walker = new JsonWalker(plan);
  const events: JsonEvent[] = [];
  for (const chunk of chunks) walker.write(chunk, events);
  walker.end(events);
  return events;
}

function splitRandomly(bytes: Buffer, seed: number): Buffer[] {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) & 0x7fffffff);
  const chunks: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const size = 1 + (next() % 7);
    chunks.push(Buffer.from(bytes.subarray(at, at + size)));
    at += size;
  }
  return chunks;
}

const DOC = `{
  "title": "Spring \\"planting\\" ✿",
  "skipped": {"deep": [1, 2, {"x": "}]{["}], "s": "a\\\\"},
  "items": [
    {"id": 1, "text": "tomatoes \\\\ and \\"beans\\""},
    {"id": 2,
     "text": "ünïcode ✿ 🌱"},
    "a string",
    42,
    null
  ],
  "after": true
}
`;

describe('JsonWalker', () => {
  it('captures the planned values with their lines and byte offsets', () => {
    const bytes = Buffer.from(DOC);
    const values = walkChunks([bytes]).filter((event) => event.kind === 'value');
    expect(values.map((event) => event.value)).toEqual([
      'Spring "planting" ✿',
      { id: 1, text: 'tomatoes \\ and "beans"' },
      { id: 2, text: 'ünïcode ✿ 🌱' },
      'a string',
      42,
      null,
    ]);
    expect(values.map((event) => event.line)).toEqual([2, 5, 6, 8, 9, 10]);
    const second = values[2] as { offset: number };
    expect(bytes.subarray(second.offset, second.offset + 8).toString()).toBe('{"id": 2');
    expect(values.map((event) => (event as { path: JsonPath }).path)).toEqual([['title'], ['items', 0], ['items', 1], ['items', 2], ['items', 3], ['items', 4]]);
  });

  it('gives the same events however the input is chunked (randomised, 1–7 byte chunks)', () => {
    const bytes = Buffer.from(DOC);
    const expected = walkChunks([bytes]);
    for (let seed = 1; seed <= 60; seed++) expect(walkChunks(splitRandomly(bytes, seed))).toEqual(expected);
  });

  it('skips a UTF-8 BOM but counts it in offsets', () => {
    const events = walkChunks([Buffer.from('\uFEFF{"items": [{"a": 1}]}')]);
    expect(events.find((event) => event.kind === 'value')).toMatchObject({ value: { a: 1 }, line: 1, offset: 14 });
  });

  it('reports a syntax error in a captured value with its line, after the values before it', () => {
    const events = walkChunks([Buffer.from('{"items": [\n{"a": 1},\n{"a": 2,\n "b": ,\n "c": 3},\n{"a": 4}]}')]);
    expect(events.filter((event) => event.kind === 'value').map((event) => event.value)).toEqual([{ a: 1 }]);
    const error = events.at(-1);
    expect(error?.kind).toBe('error');
    expect(error?.line).toBe(4);
    expect(events.filter((event) => event.kind === 'error')).toHaveLength(1);
  });

  it('reports a structural error with its line and stops', () => {
    const events = walkChunks([Buffer.from('{"items": [\n{"a": 1}\n{"a": 2}]}')]);
    expect(events.map((event) => event.kind)).toEqual(['enter', 'enter', 'value', 'error']);
    expect(events.at(-1)).toMatchObject({ kind: 'error', line: 3 });
  });

  it('reports a document cut short, empty input and trailing garbage', () => {
    expect(walkChunks([Buffer.from('{"items": [{"a": 1}, {"a"')]).at(-1)).toMatchObject({ kind: 'error', reason: expect.stringContaining('cut short') });
    expect(walkChunks([Buffer.from('  \n')]).at(-1)).toMatchObject({ kind: 'error', reason: expect.stringContaining('empty') });
    expect(walkChunks([Buffer.from('{"items": []}\n\nxyz')]).at(-1)).toMatchObject({ kind: 'error', line: 3 });
  });

  it('passes over containers it does not descend into without parsing them', () => {
    const events = walkChunks([Buffer.from('{"skipped": {"not": json at all}, "items": [1]}')]);
    expect(events.filter((event) => event.kind === 'value').map((event) => event.value)).toEqual([1]);
  });

  it('walks a stream and stops reading after an error', async () => {
    const events: JsonEvent[] = [];
    for await (const event of walkJson(Readable.from([Buffer.from('{"items": [1, 2, }'), Buffer.from('never read')]), plan)) events.push(event);
    expect(events.map((event) => event.kind)).toEqual(['enter', 'enter', 'value', 'value', 'error']);
  });
});

describe('syntaxErrorPosition', () => {
  it('finds where JSON.parse would fail, and -1 for valid JSON', async () => {
    const { syntaxErrorPosition } = await import('./json-stream.ts');
    const cases: [string, number][] = [
      ['{"a": 1}', -1],
      ['[1, {"b": [true, null, "x\\u00e9"]}, -2.5e3]', -1],
      ['{"a": tru}', 6],
      ['{"a": 1,,}', 8],
      ['["a"{', 4],
      ['{"a" 1}', 5],
      ['[1, 2', 5],
      ['"bad \\q"', 5],
      ['{"a": 01}', 7],
    ];
    for (const [text, at] of cases) expect([text, syntaxErrorPosition(text)]).toEqual([text, at]);
  });
});

import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { GraphData } from '../analysis/graph-data.ts';
import { ftmFormat } from './ftm.ts';
import { FTM_SCHEMATA, ftmProperty, isA, requiredProperties, type FtmPropertyType } from './ftm-model.ts';
import { Differences, exportToString, expectedUnicode, randomGraph, sampleGraph } from './testkit.ts';

interface Entity {
  id: string;
  schema: string;
  properties: Record<string, string[]>;
}

/** Value formats of FtM's property types (https://followthemoney.tech/explorer/types/). */
const VALUE_FORMAT: Partial<Record<FtmPropertyType, (value: string) => boolean>> = {
  date: (value) => /^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?)?)?$/.test(value),
  number: (value) => /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value),
  country: (value) => /^[a-z]{2}$/.test(value),
  gender: (value) => ['male', 'female', 'other'].includes(value),
  email: (value) => /^[^@\s]+@[^@\s]+$/.test(value),
  phone: (value) => /^\+\d{5,15}$/.test(value),
  url: (value) => /^https?:\/\/\S+$/.test(value),
  ip: (value) => isIP(value) !== 0,
  checksum: (value) => /^[0-9a-f]{40}$/.test(value),
  mimetype: (value) => /^[\w.+-]+\/[\w.+-]+$/.test(value),
};

/** Parses the JSON lines and checks each entity against the FtM model subset in ftm-model.ts. */
function readFtm(text: string): Map<string, Entity> {
  expect(text === '' || text.endsWith('\n')).toBe(true);
  const entities = new Map<string, Entity>();
  const d = new Differences();
  for (const line of text.split('\n').slice(0, -1)) {
    const entity = JSON.parse(line) as Entity;
    d.same(Object.keys(entity).sort().join(','), 'id,properties,schema', `keys of ${line.slice(0, 80)}`);
    d.check(typeof entity.id === 'string' && /^[A-Za-z0-9_-]+$/.test(entity.id), `id ${entity.id} is plain (no '.', which Aleph reads as a namespace)`);
    d.check(!entities.has(entity.id), `id ${entity.id} is unique`);
    entities.set(entity.id, entity);
    const schema = FTM_SCHEMATA[entity.schema];
    d.check(schema !== undefined && !schema.abstract, `${entity.id}: ${entity.schema} is a concrete FtM schema`);
    for (const required of requiredProperties(entity.schema)) d.check((entity.properties[required]?.length ?? 0) > 0, `${entity.id}: required ${required}`);
    for (const [name, values] of Object.entries(entity.properties)) {
      const property = ftmProperty(entity.schema, name);
      d.check(property !== undefined, `${entity.id}: ${entity.schema} has property ${name}`);
      d.check(Array.isArray(values) && values.length > 0, `${entity.id}.${name} is a non-empty array`);
      d.same(new Set(values).size, values.length, `${entity.id}.${name} has no duplicates`);
      for (const value of values) {
        d.check(typeof value === 'string' && value.trim() === value && value !== '', `${entity.id}.${name} value ${JSON.stringify(value)} is a trimmed string`);
        const format = property ? VALUE_FORMAT[property.type] : undefined;
        if (format) d.check(format(value), `${entity.id}.${name} value ${JSON.stringify(value)} is a valid ${property?.type}`);
      }
    }
  }
  // Entity references point at entities of the file, of a schema within the property's range.
  for (const entity of entities.values()) {
    for (const [name, values] of Object.entries(entity.properties)) {
      const property = ftmProperty(entity.schema, name);
      if (property?.type !== 'entity') continue;
      for (const value of values) {
        const target = entities.get(value);
        d.check(target !== undefined, `${entity.id}.${name} -> ${value} exists`);
        if (target) d.check(isA(target.schema, property.range as string), `${entity.id}.${name} -> ${target.schema} is a ${property.range}`);
      }
    }
  }
  expect(d.list).toEqual([]);
  return entities;
}

function expectCoverage(graph: GraphData, entities: Map<string, Entity>): void {
  const d = new Differences();
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const things = graph.nodes.filter((node) => node.kind !== 'identifier');
  const links = graph.edges.filter((edge) => [edge.source, edge.target].every((id) => nodes.has(id) && nodes.get(id)?.kind !== 'identifier'));
  const intervals = [...entities.values()].filter((entity) => ['UnknownLink', 'Membership', 'Payment', 'Ownership', 'Similar'].includes(entity.schema));
  d.same(entities.size - intervals.length, things.length, 'one entity per node that is not an identifier');
  d.same(intervals.length, links.length, 'one link entity per edge between such nodes');
  // Every entity carries its node's label as a name (an empty label falls back to the id).
  const names = new Set([...entities.values()].flatMap((entity) => entity.properties['name'] ?? []));
  for (const node of things) {
    const label = expectedUnicode(node.label).trim();
    if (label !== '') d.check(names.has(label), `node ${JSON.stringify(node.id)}: name ${JSON.stringify(label)}`);
  }
  expect(d.list).toEqual([]);
}

const byName = (entities: Map<string, Entity>, name: string) => [...entities.values()].find((entity) => entity.properties['name']?.includes(name));
const linkOf = (entities: Map<string, Entity>, id: string) => entities.get(`crosslink-link-${id}`);

describe('followthemoney export', () => {
  it('writes valid FtM entities for every node and link of the sample graph', async () => {
    const graph = sampleGraph();
    const entities = readFtm(await exportToString(ftmFormat, graph));
    expectCoverage(graph, entities);
  });

  it('maps Crosslink kinds to FtM schemata and identifiers to properties of the entities that use them', async () => {
    const entities = readFtm(await exportToString(ftmFormat, sampleGraph()));
    const person = entities.get('crosslink-node-e1');
    expect(person?.schema).toBe('Person');
    expect(person?.properties).toMatchObject({
      name: ['Sam "Falcon" Rowe', 'Samuel Rowe'],
      firstName: ['Samuel'],
      lastName: ['Rowe'],
      birthDate: ['1984-03-07'],
      gender: ['male'],
      nationality: ['ca'],
      alias: ['falcon', 'sammy'],
      email: ['sam.rowe@example.com'],
      publisher: ['Toronto PS <Sex Crimes>'],
    });
    // A card token has no FtM property: it stays readable as a note.
    expect(person?.properties['notes']).toEqual(expect.arrayContaining(['Case: TOR-2024-0017', 'Payment card (token): hmac:5f2b']));

    const account = entities.get('crosslink-node-e2');
    expect(account?.schema).toBe('UserAccount');
    expect(account?.properties).toMatchObject({ username: ['dark_falcon77'], service: ['telegram'], number: ['+14165550123'], weakAlias: ['Falcon 🦅'] });
    expect(entities.get('crosslink-node-e3')?.schema).toBe('Organization');
    expect(entities.get('crosslink-node-e4')?.schema).toBe('Company');
    expect(entities.get('crosslink-node-e5')?.schema).toBe('Asset');
    const media = entities.get('crosslink-node-e6');
    expect(media?.schema).toBe('Document');
    expect(media?.properties).toMatchObject({ fileName: ['IMG_0001.jpg'], fileSize: ['123456'], mimeType: ['image/jpeg'], contentHash: ['da39a3ee5e6b4b0d3255bfef95601890afd80709'] });
    const place = entities.get('crosslink-node-e7');
    expect(place?.schema).toBe('Address');
    expect(place?.properties).toMatchObject({ full: ['12 Garden Rd'], city: ['Ottawa'], postalCode: ['K1A 0B1'], latitude: ['45.42'], longitude: ['-75.69'] });
    // "Canada" is not an ISO code, so it is kept as a note rather than dropped or mis-typed.
    expect(place?.properties['country']).toBeUndefined();
    expect(place?.properties['notes']).toContain('Country: Canada');
    expect(entities.get('crosslink-node-s1')?.schema).toBe('Person');
    // Identifiers are properties, not entities.
    expect([...entities.keys()].some((id) => id.startsWith('crosslink-node-i'))).toBe(false);
  });

  it('uses FtM link schemata where their ranges fit, Similar for resolution, UnknownLink otherwise', async () => {
    const entities = readFtm(await exportToString(ftmFormat, sampleGraph()));
    expect(linkOf(entities, 'l1')).toMatchObject({
      schema: 'Membership',
      properties: { member: ['crosslink-node-e1'], organization: ['crosslink-node-e8'], role: ['member'], startDate: ['2024-03-01T12:00:00'], endDate: ['2024-03-09T08:30:00'] },
    });
    // An account is not a legal entity in FtM, so its membership of a room is an UnknownLink.
    expect(linkOf(entities, 'l2')).toMatchObject({ schema: 'UnknownLink', properties: { subject: ['crosslink-node-e2'], object: ['crosslink-node-e3'], role: ['member of'] } });
    expect(linkOf(entities, 'l4')).toMatchObject({
      schema: 'Payment',
      properties: { payer: ['crosslink-node-e1'], beneficiary: ['crosslink-node-e4'], amount: ['59.97'], currency: ['USD'], startDate: ['2024-01-05T10:00:00'] },
    });
    expect(linkOf(entities, 'l5')).toMatchObject({ schema: 'Ownership', properties: { owner: ['crosslink-node-e1'], asset: ['crosslink-node-e5'] } });
    expect(linkOf(entities, 'l8')).toMatchObject({
      schema: 'Similar',
      properties: { candidate: ['crosslink-node-e1'], match: ['crosslink-node-e9'], confidenceScore: ['0.87'], criteria: ['same email, same birth date'] },
    });
    expect(linkOf(entities, 'sm1-1')).toMatchObject({ schema: 'Similar', properties: { candidate: ['crosslink-node-s1'], match: ['crosslink-node-e1'], confidenceScore: ['0.93'] } });
    expect(linkOf(entities, 'l3')?.properties['summary']?.[0]).toBe('messaged; weight 12; Messages: 12');
    expect(linkOf(entities, 'm1-1')).toBeUndefined();
  });

  it('gives stable ids, hashing those that are not plain', async () => {
    const graph: GraphData = {
      nodes: [
        { id: 'a.b', kind: 'person', label: 'A', props: {} },
        { id: 'x'.repeat(300), kind: 'account', label: '', props: {} },
        { id: ' ', kind: 'account', label: ' \n ', props: {} },
      ],
      edges: [{ id: 'odd id', source: 'a.b', target: 'x'.repeat(300), kind: 'messaged', directed: true, weight: 1, firstSeen: null, lastSeen: null, props: {} }],
    };
    const first = await exportToString(ftmFormat, graph);
    expect(await exportToString(ftmFormat, graph)).toBe(first);
    const entities = readFtm(first);
    expect([...entities.keys()].every((id) => /^crosslink-(node|link)_[0-9a-f]{40}$/.test(id))).toBe(true);
    // An account without a label or handle is still a valid UserAccount, named by its id.
    const accounts = [...entities.values()].filter((entity) => entity.schema === 'UserAccount');
    expect(accounts.map((account) => account.properties['username'])).toEqual([['x'.repeat(300)], ['(no name)']]);
    expect(byName(entities, 'A')?.schema).toBe('Person');
  });

  it('writes valid entities for random graphs with hostile labels, ids, kinds and properties (fuzz)', async () => {
    for (let seed = 400; seed < 460; seed++) {
      const graph = randomGraph(seed);
      expectCoverage(graph, readFtm(await exportToString(ftmFormat, graph)));
    }
    const big = randomGraph(401, { nodes: 600, edges: 1200 });
    const slow = await exportToString(ftmFormat, big, { slow: true });
    expect(slow).toBe(await exportToString(ftmFormat, big));
  });
});

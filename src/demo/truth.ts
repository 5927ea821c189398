// Builds the answer key from the plan and from what the writers recorded as actually written,
// so evaluation never credits an identifier that appears in no file.
import type { GroundTruth } from './manifest.ts';
import { PLATFORMS, fullName, birthIso } from './people.ts';
import type { World } from './world.ts';

export function buildTruth(world: World): GroundTruth {
  const pairs = new Set<string>();
  const addPair = (a: string, b: string): void => {
    if (a !== b) pairs.add(a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  };
  for (const p of world.people) for (const a of p.cases) for (const b of p.cases) addPair(a, b);
  const nearDuplicates: [string, string][] = [];
  for (const c of world.cases) {
    for (const m of c.media) {
      if (!m.variantOf) continue;
      nearDuplicates.push([m.variantOf.path, m.path]);
      addPair(m.variantOf.caseRef, m.caseRef);
    }
  }
  const connectedCases = [...pairs].sort().map((s) => s.split('\u0000') as [string, string]);
  return {
    seed: world.seed,
    scale: world.scale,
    cases: world.cases.map((c) => ({ ref: c.ref, agency: c.agency.name })),
    connectedCases,
    people: world.people.map((p) => {
      const accounts = PLATFORMS.flatMap((pl) => {
        const a = p.accounts[pl];
        return a ? [{ platform: pl, handle: a.handle, ...(a.id ? { id: a.id } : {}) }] : [];
      });
      const identifiers = new Map<string, { type: GroundTruth['people'][number]['identifiers'][number]['type']; value: string }>();
      for (const a of accounts) identifiers.set(`handle:${a.handle}`, { type: 'handle', value: a.handle });
      for (const [k, v] of p.used) identifiers.set(k, v);
      return {
        id: p.id, name: fullName(p), birthDate: birthIso(p), cases: [...p.cases].sort(), records: p.records,
        accounts, identifiers: [...identifiers.values()],
      };
    }),
    nearDuplicates,
    rooms: world.cases.flatMap((c) => c.rooms.map((r) => ({
      case: c.ref, platform: r.platform, name: r.name, host: r.host.id, members: r.members.map((m) => m.id),
    }))),
  };
}

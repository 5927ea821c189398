/**
 * String measures for comparing names: normalisation, Jaro-Winkler, Soundex, and a table of
 * common nicknames (Bob ↔ Robert) — the comparisons a careful analyst makes by eye.
 */

/** Lower case, accents and punctuation removed, single spaces. */
export function normaliseName(text: string | undefined): string {
  if (!text) return '';
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N} ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a === '' ? 0 : 1;
  if (a === '' || b === '') return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const matchedA = new Array<boolean>(a.length).fill(false);
  const matchedB = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = Math.max(0, i - window); j < Math.min(b.length, i + window + 1); j++) {
      if (matchedB[j] || a[i] !== b[j]) continue;
      matchedA[i] = matchedB[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!matchedA[i]) continue;
    while (!matchedB[k]) k++;
    if (a[i] !== b[k]) transpositions++;
    k++;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

const SOUNDEX: Record<string, string> = { b: '1', f: '1', p: '1', v: '1', c: '2', g: '2', j: '2', k: '2', q: '2', s: '2', x: '2', z: '2', d: '3', t: '3', l: '4', m: '5', n: '5', r: '6' };

/** American Soundex of the first word: a blocking key that survives most spelling slips. */
export function soundex(name: string): string {
  const word = normaliseName(name).replace(/[^a-z]/g, '');
  if (word === '') return '';
  let code = word[0]!.toUpperCase();
  let last = SOUNDEX[word[0]!] ?? '';
  for (const char of word.slice(1)) {
    const digit = SOUNDEX[char] ?? '';
    if (digit !== '' && digit !== last) code += digit;
    if (char !== 'h' && char !== 'w') last = digit;
    if (code.length === 4) break;
  }
  return code.padEnd(4, '0');
}

// Groups of given names that are the same name to a person reading them.
const NICKNAME_GROUPS = [
  'robert rob bob bobby robbie', 'william will bill billy liam', 'elizabeth liz beth betty eliza lizzie', 'james jim jimmy jamie',
  'john jack johnny jon', 'michael mike mick mikey', 'richard rick dick ricky rich', 'thomas tom tommy', 'joseph joe joey',
  'charles charlie chuck chas', 'margaret maggie peggy meg', 'katherine kate kathy katie kath catherine cathy', 'christopher chris kit',
  'daniel dan danny', 'matthew matt', 'anthony tony', 'edward ed ted eddie ned', 'alexander alex al sandy', 'jennifer jen jenny',
  'patricia pat patty trish', 'susan sue suzy', 'deborah debbie deb', 'rebecca becky becca', 'samuel sam sammy', 'benjamin ben benny',
  'nicholas nick nicky', 'andrew andy drew', 'stephen steve steven stevie', 'timothy tim timmy', 'david dave davy', 'zachary zach zack',
  'jonathan jon jonny', 'gregory greg', 'kenneth ken kenny', 'ronald ron ronnie', 'donald don donnie', 'lawrence larry', 'leonard leo len lenny',
  'peter pete', 'frederick fred freddie', 'harold harry hal', 'henry harry hank', 'victoria vicky tori', 'abigail abby', 'jessica jess jessie',
  'barbara barb babs', 'dorothy dot dotty', 'judith judy', 'pamela pam', 'sandra sandy', 'theresa terry tess', 'angela angie',
  'christine chris chrissy tina', 'nathaniel nate nat', 'nathan nate', 'oliver ollie', 'philip phil', 'raymond ray', 'gerald gerry jerry',
];
const NICKNAMES = new Map<string, Set<string>>();
for (const group of NICKNAME_GROUPS) {
  const names = group.split(' ');
  for (const name of names) {
    const set = NICKNAMES.get(name) ?? new Set<string>();
    for (const other of names) set.add(other);
    NICKNAMES.set(name, set);
  }
}

export function isNickname(a: string, b: string): boolean {
  return a !== b && (NICKNAMES.get(a)?.has(b) ?? false);
}

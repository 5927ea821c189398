// URLs and domains against linkify-it's link / not-link lines, plus stored forms and registrable domains.
import { describe, expect, it } from 'vitest';
import { domainExtractor } from './domain.ts';
import { findIdentifiers } from './index.ts';
import { readTestData } from './testdata.test-helper.ts';
import { urlExtractor } from './url.ts';

/** linkify-it's fixture format: a line, optionally followed by the expected link; "%" starts a comment. */
function linkifyCases(file: string): { input: string; expected: string }[] {
  const lines = readTestData(file).split(/\r?\n/).map((l) => l.replace(/^%.*/, '').replace(/\s%.*/, '').trim());
  const out: { input: string; expected: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const input = lines[i] ?? '';
    if (!input) continue;
    const next = lines[i + 1] ?? '';
    if (next) i++;
    out.push({ input, expected: next || input });
  }
  return out;
}

const links = linkifyCases('extraction/url/links.txt');
const notLinks = readTestData('extraction/url/not_links.txt')
  .split(/\r?\n/)
  .map((l) => l.replace(/^%.*/, '').replace(/\s%.*/, '').replace(/\s\/\/.*/, '').trim())
  .filter(Boolean);

const context = { region: 'CA', secret: Buffer.alloc(16) };
const found = (text: string) => findIdentifiers(text, context).map((f) => `${f.type}:${f.raw}`);

describe('linkify-it links', () => {
  // "http://999": WHATWG reads an all-digit host as an IPv4 number (0.0.3.231); we do not take such hosts.
  const withScheme = links.filter((c) => /^(?:https?|ftp):\/\/|^www\./i.test(c.expected) && c.expected !== 'http://999');
  const isIp = (s: string) => /^\d+\.\d+\.\d+\.\d+(?:\/|$)/.test(s);
  const bareDomains = links.filter((c) => /^[^/:@\s]+\.[^/:@\s]+(?:\/\S*)?$/.test(c.expected) && !/^www\./i.test(c.expected) && !isIp(c.expected));
  const bareIps = links.filter((c) => isIp(c.expected));
  const emails = links.filter((c) => /^(?:mailto:)?[^\s@"/:]+@[^\s@]+\.[a-z]+$/i.test(c.expected));

  it('has the fixture', () => {
    expect(withScheme.length).toBeGreaterThan(50);
  });

  // Our URL type takes http/https/ftp with a scheme, and bare "www."; other schemes are out of scope.
  it.each(withScheme.map((c) => [c.input, c.expected] as const))('%s → url %s', (input, expected) => {
    const urls = urlExtractor.find(input, {}).map((m) => m.raw);
    expect(urls).toContain(expected);
    expect(urlExtractor.normalise(expected, {})).not.toBeNull();
  });

  // Bare names ("google.com", "a.ws") are the domain type: the host part is found.
  const bareSkipped = new Set(['➡.ws/䨹']); // a symbol, not a letter, as the only label character
  it.each(bareDomains.filter((c) => !bareSkipped.has(c.expected)).map((c) => [c.input, c.expected] as const))('%s → domain %s', (input, expected) => {
    const host = expected.split('/')[0] ?? '';
    expect(domainExtractor.find(input, {}).map((m) => m.raw)).toContain(host);
  });

  it.each(bareIps.map((c) => [c.input, c.expected] as const))('%s → ip %s', (input, expected) => {
    expect(found(input)).toContain(`ip:${expected.split('/')[0]}`);
  });

  it.each(emails.map((c) => [c.input, c.expected] as const))('%s → email %s', (input, expected) => {
    expect(found(input)).toContain(`email:${expected.replace(/^mailto:/i, '')}`);
  });
});

describe('linkify-it not-links', () => {
  // Kept by design: "google.com:500000" names the domain google.com even though the port is bad.
  const allowed = new Set(['domain:google.com']);
  it.each(notLinks)('%s yields no url or domain', (line) => {
    const hits = found(line).filter((f) => (f.startsWith('url:') || f.startsWith('domain:')) && !allowed.has(f));
    expect(hits).toEqual([]);
  });
});

describe('URL forms', () => {
  it('lower-cases scheme and host, drops default port and fragment, keeps path case and query', () => {
    expect(urlExtractor.normalise('HTTPS://Shop.Example.CO.UK:443/Seeds?q=Tomato#reviews', {})).toEqual({
      type: 'url',
      value: 'https://shop.example.co.uk/Seeds?q=Tomato',
      props: { host: 'shop.example.co.uk', domain: 'example.co.uk' },
    });
    expect(urlExtractor.normalise('ftp://files.example.net:21/pub', {})?.value).toBe('ftp://files.example.net/pub');
    expect(urlExtractor.normalise('http://192.0.2.1:8080/x', {})?.props).toEqual({ host: '192.0.2.1' });
  });

  it('stops at trailing punctuation and unbalanced brackets but keeps balanced ones', () => {
    const urls = (text: string) => urlExtractor.find(text, {}).map((m) => m.raw);
    expect(urls('see (https://example.com/a_(b)), then www.example.org.')).toEqual(['https://example.com/a_(b)', 'www.example.org']);
    expect(urls('"http://example.com/x", \'http://example.net/y\'')).toEqual(['http://example.com/x', 'http://example.net/y']);
  });
});

describe('domains', () => {
  it('stores the registrable domain in punycode', () => {
    expect(domainExtractor.normalise('garden.shop.example.co.uk', {})).toMatchObject({ value: 'example.co.uk', props: { host: 'garden.shop.example.co.uk' } });
    expect(domainExtractor.normalise('президент.рф', {})?.value).toBe('xn--d1abbgf6aiiy.xn--p1ai');
    expect(domainExtractor.normalise('someone.github.io', {})?.value).toBe('someone.github.io');
  });

  it('knows onion services although the suffix list does not', () => {
    const onion = 'expyuzz4wqqyqhjn.onion';
    expect(domainExtractor.normalise(onion, {})?.value).toBe(onion);
  });

  it('does not read file names or missing spaces as domains', () => {
    for (const text of ['see notes.md and run.sh', 'fine.how are you', 'open report.pdf', 'it is ok.so there']) {
      expect(domainExtractor.find(text, {}).filter((m) => domainExtractor.normalise(m.raw, {}))).toEqual([]);
    }
  });

  it("does not take an email's domain or a URL's host as a separate domain", () => {
    expect(found('mail sam@example.com or see https://garden.example.org/x and example.net')).toEqual([
      'email:sam@example.com',
      'url:https://garden.example.org/x',
      'domain:example.net',
    ]);
  });
});

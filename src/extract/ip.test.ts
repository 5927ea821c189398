// IP addresses: canonical forms (RFC 5952), range flags, and what in prose is not an address.
import { describe, expect, it } from 'vitest';
import { ipExtractor } from './ip.ts';

const norm = (raw: string) => ipExtractor.normalise(raw, {});
const find = (text: string) => ipExtractor.find(text, {}).map((m) => text.slice(m.start, m.end));

describe('IP normalisation', () => {
  it.each([
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:db8:0000:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal zero runs
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longer run
    ['2001:DB8::AbCd', '2001:db8::abcd'],
    ['::1', '::1'],
    ['::', '::'],
    ['::ffff:198.51.100.7', '198.51.100.7'],
    ['::ffff:c633:6407', '198.51.100.7'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
  ])('%s → %s', (raw, value) => {
    expect(norm(raw)?.value).toBe(value);
  });

  it.each(['1.2.3', '1.2.3.4.5', '256.0.0.1', '1.2.3.-4', '1..2.3', '2001:db8::g', '1:2:3:4:5:6:7:8:9', '1::2::3', ':1:2:3:4:5:6:7', '12345::1'])('%s is invalid', (raw) => {
    expect(norm(raw)).toBeNull();
  });

  it.each([
    ['10.1.2.3', ['private']],
    ['172.31.255.255', ['private']],
    ['192.168.0.1', ['private']],
    ['127.0.0.1', ['loopback']],
    ['169.254.10.1', ['link-local']],
    ['100.64.0.1', ['cgnat']],
    ['192.0.2.15', ['documentation']],
    ['198.51.100.23', ['documentation']],
    ['203.0.113.9', ['documentation']],
    ['224.0.0.251', ['multicast']],
    ['240.0.0.1', ['reserved']],
    ['0.1.2.3', ['reserved']],
    ['8.8.8.8', []],
    ['2001:db8::1', ['documentation']],
    ['fd12:3456::1', ['private']],
    ['fe80::1', ['link-local']],
    ['ff02::1', ['multicast']],
    ['::1', ['loopback']],
    ['2606:4700::1111', []],
  ])('%s flags %j', (raw, flags) => {
    expect(norm(raw)?.flags ?? []).toEqual(flags);
  });
});

describe('IP in text', () => {
  it('finds v4 and v6 among punctuation, keeping documentation ranges', () => {
    expect(find('from 192.0.2.15, then [2001:db8::7] and 203.0.113.9:8080.')).toEqual(['192.0.2.15', '2001:db8::7', '203.0.113.9']);
    expect(find('ip=198.51.100.4; gw fe80::1:')).toEqual(['198.51.100.4', 'fe80::1']);
  });

  it('skips version numbers, longer dotted runs, times and MAC addresses', () => {
    expect(find('release 1.2.3 and v10.0.0.1 and 1.2.3.4.5 and a1.2.3.4 and 1.2.3.4a')).toEqual([]);
    expect(find('at 10:01 or 12:30:45, mac 00:1a:2b:3c:4d:5e, c++ std::vector')).toEqual([]);
    expect(find('1000.2.3.4 and 1.2.3.400')).toEqual([]);
  });
});

import {
  type AddressKind,
  allowableCidr,
  type Cidr,
  CLOSED_EGRESS,
  type EgressPolicy,
  judgeAddress,
  judgeUrl,
  parseCidr,
} from './address-rules.js';

const cidr = (text: string): Cidr => {
  const parsed = parseCidr(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.cidr;
};

/** Production's rules with one agency intranet opened. */
const PRODUCTION: EgressPolicy = { allowLoopback: false, allowCidrs: [cidr('10.20.0.0/16'), cidr('fd12:3456::/32')] };
/** Development and test: loopback allowed, no private range opened. */
const DEVELOPMENT: EgressPolicy = { allowLoopback: true, allowCidrs: [] };

describe('judgeAddress', () => {
  // address, kind, allowed in production (10.20.0.0/16 and fd12:3456::/32 opened), allowed in development
  const table: Array<[string, AddressKind, boolean, boolean]> = [
    // Public unicast, both families.
    ['58.215.0.10', 'public', true, true],
    ['8.8.8.8', 'public', true, true],
    ['240e:ff:e000::1', 'public', true, true],
    ['2001:4860:4860::8888', 'public', true, true],
    // Cloud metadata services, in every spelling; refused even inside an opened range.
    ['169.254.169.254', 'metadata', false, false],
    ['::ffff:169.254.169.254', 'metadata', false, false],
    ['::ffff:a9fe:a9fe', 'metadata', false, false],
    ['64:ff9b::a9fe:a9fe', 'metadata', false, false],
    ['2002:a9fe:a9fe::1', 'metadata', false, false],
    ['169.254.170.2', 'metadata', false, false],
    ['100.100.100.200', 'metadata', false, false],
    ['fd00:ec2::254', 'metadata', false, false],
    ['168.63.129.16', 'metadata', false, false],
    // Unspecified: the host itself.
    ['0.0.0.0', 'unspecified', false, false],
    ['0.1.2.3', 'unspecified', false, false],
    ['::', 'unspecified', false, false],
    ['::ffff:0.0.0.0', 'unspecified', false, false],
    // Loopback: development and test only.
    ['127.0.0.1', 'loopback', false, true],
    ['127.255.255.254', 'loopback', false, true],
    ['::1', 'loopback', false, true],
    ['::ffff:127.0.0.1', 'loopback', false, true],
    // Link-local.
    ['169.254.0.1', 'link-local', false, false],
    ['169.254.255.255', 'link-local', false, false],
    ['fe80::1', 'link-local', false, false],
    ['fe80::1%eth0', 'link-local', false, false],
    ['febf:ffff::1', 'link-local', false, false],
    // Private: only inside an opened CIDR.
    ['10.20.3.4', 'private', true, false],
    ['::ffff:10.20.3.4', 'private', true, false],
    ['10.21.0.1', 'private', false, false],
    ['10.0.0.1', 'private', false, false],
    ['172.16.0.1', 'private', false, false],
    ['172.31.255.255', 'private', false, false],
    ['192.168.1.1', 'private', false, false],
    ['100.64.0.1', 'private', false, false],
    ['100.127.255.255', 'private', false, false],
    ['fd12:3456::1', 'private', true, false],
    ['fd12:3457::1', 'private', false, false],
    ['fc00::1', 'private', false, false],
    ['64:ff9b::a00:1', 'private', false, false],
    // The neighbours of the private ranges are public.
    ['172.15.255.255', 'public', true, true],
    ['172.32.0.0', 'public', true, true],
    ['100.63.255.255', 'public', true, true],
    ['100.128.0.0', 'public', true, true],
    ['11.0.0.1', 'public', true, true],
    // Multicast, broadcast, reserved, documentation, benchmarking.
    ['224.0.0.1', 'multicast', false, false],
    ['239.255.255.250', 'multicast', false, false],
    ['ff02::1', 'multicast', false, false],
    ['255.255.255.255', 'reserved', false, false],
    ['240.0.0.1', 'reserved', false, false],
    ['192.0.0.8', 'reserved', false, false],
    ['192.0.2.1', 'reserved', false, false],
    ['198.18.0.1', 'reserved', false, false],
    ['203.0.113.9', 'reserved', false, false],
    ['2001:db8::1', 'reserved', false, false],
    ['2001::1', 'reserved', false, false],
    ['100::1', 'reserved', false, false],
    ['::127.0.0.1', 'reserved', false, false],
    ['fec0::1', 'reserved', false, false],
    ['64:ff9b:1::1', 'reserved', false, false],
    // Not an address at all.
    ['localhost', 'invalid', false, false],
    ['1.2.3', 'invalid', false, false],
  ];

  it.each(table)('%s is %s: production %s, development %s', (address, kind, inProduction, inDevelopment) => {
    const production = judgeAddress(address, PRODUCTION);
    const development = judgeAddress(address, DEVELOPMENT);
    expect(production.kind).toBe(kind);
    expect(production.allowed).toBe(inProduction);
    expect(development.allowed).toBe(inDevelopment);
    // Every refusal names the address it refused.
    const reasons = [production, development].flatMap((v) => (v.allowed ? [] : [v.reason]));
    expect(reasons).toEqual(reasons.map(() => expect.stringContaining(address.replace(/%.*/, ''))));
    expect(reasons).toHaveLength(Number(!inProduction) + Number(!inDevelopment));
  });

  it('says which address an IPv6 spelling carries, and why it is refused', () => {
    expect(judgeAddress('::ffff:a9fe:a9fe', CLOSED_EGRESS)).toMatchObject({
      allowed: false,
      reason:
        '::ffff:a9fe:a9fe (IPv4-mapped 169.254.169.254) is the cloud instance metadata service (AWS, Google Cloud, Azure, Huawei Cloud, OpenStack)',
    });
    expect(judgeAddress('64:ff9b::a9fe:a9fe', CLOSED_EGRESS)).toMatchObject({
      reason: expect.stringContaining('(NAT64 169.254.169.254)'),
    });
    expect(judgeAddress('127.0.0.1', CLOSED_EGRESS)).toMatchObject({
      reason: '127.0.0.1 is a loopback address; loopback receivers are allowed in development and test only',
    });
    expect(judgeAddress('10.9.8.7', CLOSED_EGRESS)).toMatchObject({
      reason: '10.9.8.7 is a private address (10.0.0.0/8) that WEBHOOK_ALLOW_CIDRS does not list',
    });
  });

  it('never opens a metadata address, even where its range is opened', () => {
    const wide: EgressPolicy = { allowLoopback: true, allowCidrs: [cidr('100.64.0.0/10'), cidr('fd00::/8')] };
    expect(judgeAddress('100.100.100.199', wide).allowed).toBe(true);
    expect(judgeAddress('100.100.100.200', wide).allowed).toBe(false);
    expect(judgeAddress('fd00:ec2::253', wide).allowed).toBe(true);
    expect(judgeAddress('fd00:ec2::254', wide).allowed).toBe(false);
  });
});

describe('judgeUrl', () => {
  // url, the rule refusing it in production (null: allowed), whether its host is a literal address
  const table: Array<[string, string | null]> = [
    ['https://110.example.gov.cn/hazchem/events', null],
    ['http://58.215.0.10:8080/events', null],
    ['http://[240e:ff:e000::1]/events', null],
    ['http://10.20.0.7/intranet', null],
    ['http://localhost:3000/events', null], // a name: judged when it is resolved
    ['http://169.254.169.254/latest/meta-data/', 'FORBIDDEN'],
    ['http://[::ffff:169.254.169.254]/', 'FORBIDDEN'],
    ['http://[fd00:ec2::254]/latest/meta-data/', 'FORBIDDEN'],
    ['http://100.100.100.200/latest/meta-data/', 'FORBIDDEN'],
    // WHATWG URL reads these as 169.254.169.254 and 127.0.0.1, as the HTTP client does.
    ['http://0xa9.0xfe.0xa9.0xfe/', 'FORBIDDEN'],
    ['http://2852039166/', 'FORBIDDEN'],
    ['http://0251.0376.0251.0376/', 'FORBIDDEN'],
    ['http://127.1:8080/', 'FORBIDDEN'],
    ['http://0.0.0.0:8080/', 'FORBIDDEN'],
    ['http://[::]:8080/', 'FORBIDDEN'],
    ['http://[fe80::1]/', 'FORBIDDEN'],
    ['http://192.168.1.20/', 'FORBIDDEN'],
    ['http://user:secret@example.com/', 'CREDENTIALS'],
    ['http://user@example.com/', 'CREDENTIALS'],
    ['ftp://example.com/', 'SCHEME'],
    ['file:///etc/passwd', 'SCHEME'],
    ['gopher://example.com/', 'SCHEME'],
    ['not a url', 'INVALID'],
    ['http://[fe80::1%25eth0]/', 'INVALID'],
  ];

  it.each(table)('%s: %s', (url, rule) => {
    expect(judgeUrl(url, PRODUCTION)).toMatchObject(rule === null ? { ok: true } : { ok: false, rule });
  });

  it('allows a loopback receiver only where the policy does', () => {
    expect(judgeUrl('http://127.0.0.1:4000/events', DEVELOPMENT)).toMatchObject({ ok: true, literal: true });
    expect(judgeUrl('http://[::1]:4000/events', DEVELOPMENT).ok).toBe(true);
    expect(judgeUrl('http://[::1]:4000/events', PRODUCTION)).toMatchObject({
      ok: false,
      rule: 'FORBIDDEN',
      reason: '::1 is the loopback address; loopback receivers are allowed in development and test only',
    });
  });
});

describe('WEBHOOK_ALLOW_CIDRS entries', () => {
  it.each([
    '10.20.0.0/16',
    '10.0.0.0/8',
    '172.20.0.0/14',
    '192.168.7.0/24',
    '100.64.0.0/10',
    'fd12:3456::/32',
    '10.20.30.40/32',
  ])('accepts %s, inside a private range', (entry) => {
    expect(allowableCidr(entry)).toEqual({ cidr: expect.objectContaining({ text: entry }) });
  });

  it.each([
    ['10.0.0.0/7', /not inside a private range/],
    ['0.0.0.0/0', /not inside a private range/],
    ['169.254.0.0/16', /not inside a private range/],
    ['127.0.0.0/8', /not inside a private range/],
    ['58.215.0.0/16', /not inside a private range/],
    ['::/0', /not inside a private range/],
    ['10.1.2.3/8', /bits set after its \/8 prefix/],
    ['10.0.0.0/33', /prefix must be at most 32/],
    ['fd00::/129', /prefix must be at most 128/],
    ['10.0.0.0', /is not a CIDR/],
    ['intranet/16', /is not an IPv4 or IPv6 address/],
  ])('refuses %s: %s', (entry, error) => {
    expect(allowableCidr(entry)).toEqual({ error: expect.stringMatching(error) });
  });
});

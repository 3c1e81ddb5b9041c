import { isIPv4, isIPv6 } from 'node:net';

/**
 * Where the service may send requests of its own (webhooks): pure rules, data in and verdict out,
 * no DNS, no clock. An address is judged after resolution, so a name can never stand in for an
 * address the rules refuse. Refused whatever the configuration: cloud metadata services,
 * unspecified, link-local, multicast and reserved addresses. Loopback only where the policy allows
 * it (development and test). Private ranges (RFC 1918, carrier-grade NAT, IPv6 unique local) only
 * inside a CIDR the operator listed (agency intranets). Everything else (public unicast) is allowed.
 * IPv4 written inside IPv6 (IPv4-mapped, NAT64 64:ff9b::/96, 6to4) is judged as the IPv4 it carries.
 */

export type AddressKind =
  'public' | 'metadata' | 'unspecified' | 'loopback' | 'link-local' | 'multicast' | 'reserved' | 'private' | 'invalid';

/** A network: 16 bytes (IPv4 held in its IPv4-mapped form) and how many leading bits count. */
export interface Cidr {
  readonly text: string;
  readonly bytes: Uint8Array;
  readonly bits: number;
}

export interface EgressPolicy {
  /** Loopback receivers: development and test only (the suite's receivers listen on 127.0.0.1). */
  readonly allowLoopback: boolean;
  /** Private networks the operator opened (WEBHOOK_ALLOW_CIDRS), each inside a private range. */
  readonly allowCidrs: readonly Cidr[];
}

export type AddressVerdict =
  | { allowed: true; address: string; kind: AddressKind }
  | { allowed: false; address: string; kind: AddressKind; reason: string };

/** Why a URL is refused: its form (INVALID, SCHEME, CREDENTIALS) or the address it names (FORBIDDEN). */
export type UrlRule = 'INVALID' | 'SCHEME' | 'CREDENTIALS' | 'FORBIDDEN';

export type UrlVerdict =
  { ok: true; url: URL; literal: boolean } | { ok: false; rule: UrlRule; reason: string; address?: AddressVerdict };

export const CLOSED_EGRESS: EgressPolicy = { allowLoopback: false, allowCidrs: [] };

function v4Bytes(text: string): Uint8Array | null {
  if (!isIPv4(text)) return null;
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  text.split('.').forEach((part, i) => (out[12 + i] = Number(part)));
  return out;
}

function v6Bytes(input: string): Uint8Array | null {
  const zone = input.indexOf('%');
  let text = zone >= 0 ? input.slice(0, zone) : input;
  if (!isIPv6(text)) return null;
  const out = new Uint8Array(16);
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    tail.split('.').forEach((part, i) => (out[12 + i] = Number(part)));
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const groups =
    halves.length === 2 ? [...head, ...Array<string>(8 - head.length - rest.length).fill('0'), ...rest] : head;
  groups.forEach((g, i) => {
    const value = parseInt(g, 16);
    // The embedded IPv4 (already written) stands where the last two groups were.
    if (tail.includes('.') && i >= 6) return;
    out[2 * i] = value >> 8;
    out[2 * i + 1] = value & 0xff;
  });
  return out;
}

/** 16 bytes of an IPv4 or IPv6 address (brackets and a zone id allowed), or null. */
export function addressBytes(text: string): Uint8Array | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return v4Bytes(bare) ?? v6Bytes(bare);
}

function contains(net: Cidr, bytes: Uint8Array): boolean {
  const whole = net.bits >> 3;
  for (let i = 0; i < whole; i++) if (net.bytes[i] !== bytes[i]) return false;
  const rest = net.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (net.bytes[whole]! & mask) === (bytes[whole]! & mask);
}

const isV4 = (bytes: Uint8Array): boolean => contains(MAPPED, bytes);

const dotted = (bytes: Uint8Array): string => Array.from(bytes.subarray(12, 16)).join('.');

/** Parses "a.b.c.d/n" or "v6/n"; refuses host bits set after the prefix (a likely typo). */
export function parseCidr(text: string): { cidr: Cidr } | { error: string } {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(text.trim());
  if (!m) return { error: `${text} is not a CIDR (address/prefix, e.g. 10.20.0.0/16)` };
  const v4 = isIPv4(m[1]!);
  const bytes = addressBytes(m[1]!);
  const prefix = Number(m[2]);
  if (!bytes) return { error: `${text}: ${m[1]} is not an IPv4 or IPv6 address` };
  if (prefix > (v4 ? 32 : 128)) return { error: `${text}: the prefix must be at most ${v4 ? 32 : 128}` };
  const cidr: Cidr = { text: text.trim(), bytes, bits: v4 ? prefix + 96 : prefix };
  const hostBits = bytes.some((b, i) => {
    const kept = Math.min(8, Math.max(0, cidr.bits - 8 * i));
    return (b & (0xff >> kept)) !== 0;
  });
  if (hostBits) return { error: `${text} has bits set after its /${prefix} prefix (write the network address)` };
  return { cidr };
}

function range(text: string): Cidr {
  const parsed = parseCidr(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.cidr;
}

const MAPPED = range('::ffff:0:0/96');
const NAT64 = range('64:ff9b::/96');
const SIX_TO_FOUR = range('2002::/16');
const GLOBAL_UNICAST_V6 = range('2000::/3');

/** The private ranges an operator may open with WEBHOOK_ALLOW_CIDRS (and no others). */
export const PRIVATE_RANGES: readonly Cidr[] = [
  range('10.0.0.0/8'),
  range('172.16.0.0/12'),
  range('192.168.0.0/16'),
  // Shared address space (RFC 6598): carrier-grade NAT, and some government intranets.
  range('100.64.0.0/10'),
  // IPv6 unique local addresses (RFC 4193).
  range('fc00::/7'),
];

/** First match wins: the metadata addresses come before the ranges that contain them. */
const TABLE: ReadonlyArray<{ net: Cidr; kind: AddressKind; what: string }> = [
  ...[
    ['169.254.169.254/32', 'the cloud instance metadata service (AWS, Google Cloud, Azure, Huawei Cloud, OpenStack)'],
    ['169.254.170.2/32', 'the AWS container metadata service'],
    // Inside 100.64.0.0/10: refused even where an operator opened that range.
    ['100.100.100.200/32', 'the Alibaba Cloud instance metadata service'],
    ['fd00:ec2::254/128', 'the AWS IPv6 instance metadata service'],
    ['168.63.129.16/32', 'the Azure platform (WireServer) address'],
  ].map(([n, what]) => ({ net: range(n!), kind: 'metadata' as const, what: what! })),
  // Linux connects 0.0.0.0 and :: to the host itself.
  { net: range('0.0.0.0/8'), kind: 'unspecified', what: 'an unspecified ("this host") address' },
  { net: range('::/128'), kind: 'unspecified', what: 'the unspecified address' },
  { net: range('127.0.0.0/8'), kind: 'loopback', what: 'a loopback address' },
  { net: range('::1/128'), kind: 'loopback', what: 'the loopback address' },
  { net: range('169.254.0.0/16'), kind: 'link-local', what: 'a link-local address' },
  { net: range('fe80::/10'), kind: 'link-local', what: 'a link-local address' },
  { net: range('224.0.0.0/4'), kind: 'multicast', what: 'a multicast address' },
  { net: range('ff00::/8'), kind: 'multicast', what: 'a multicast address' },
  { net: range('240.0.0.0/4'), kind: 'reserved', what: 'a reserved address (240/4, broadcast)' },
  { net: range('192.0.0.0/24'), kind: 'reserved', what: 'a reserved address (IETF protocol assignments)' },
  { net: range('192.0.2.0/24'), kind: 'reserved', what: 'a documentation address' },
  { net: range('198.51.100.0/24'), kind: 'reserved', what: 'a documentation address' },
  { net: range('203.0.113.0/24'), kind: 'reserved', what: 'a documentation address' },
  { net: range('198.18.0.0/15'), kind: 'reserved', what: 'a reserved address (benchmarking)' },
  { net: range('192.88.99.0/24'), kind: 'reserved', what: 'a reserved address (6to4 relay)' },
  { net: range('2001::/23'), kind: 'reserved', what: 'a reserved address (IETF protocol assignments, Teredo)' },
  { net: range('2001:db8::/32'), kind: 'reserved', what: 'a documentation address' },
  { net: range('3fff::/20'), kind: 'reserved', what: 'a documentation address' },
  ...PRIVATE_RANGES.map((n) => ({ net: n, kind: 'private' as const, what: `a private address (${n.text})` })),
];

/** The IPv4 an IPv6 address carries where the network would deliver to that IPv4, with how it carries it. */
function embeddedV4(bytes: Uint8Array): { bytes: Uint8Array; how: string } | null {
  const as4 = (from: number): Uint8Array => {
    const out = new Uint8Array(16);
    out[10] = 0xff;
    out[11] = 0xff;
    out.set(bytes.subarray(from, from + 4), 12);
    return out;
  };
  if (contains(NAT64, bytes)) return { bytes: as4(12), how: 'NAT64' };
  if (contains(SIX_TO_FOUR, bytes)) return { bytes: as4(2), how: '6to4' };
  return null;
}

/** Judges one IP address (as DNS answered it, or as written in a URL) against the policy. */
export function judgeAddress(address: string, policy: EgressPolicy): AddressVerdict {
  const parsed = addressBytes(address);
  if (!parsed) return { allowed: false, address, kind: 'invalid', reason: `${address} is not an IP address` };
  const carried = isV4(parsed) ? null : embeddedV4(parsed);
  const bytes = carried?.bytes ?? parsed;
  const v4 = isV4(bytes);
  const row =
    TABLE.find((r) => contains(r.net, bytes)) ??
    (v4 || contains(GLOBAL_UNICAST_V6, bytes)
      ? null
      : { kind: 'reserved' as const, what: 'outside the IPv6 global unicast range (2000::/3)' });
  const kind: AddressKind = row?.kind ?? 'public';
  const allowed =
    kind === 'public' ||
    (kind === 'loopback' && policy.allowLoopback) ||
    (kind === 'private' && policy.allowCidrs.some((c) => contains(c, bytes)));
  if (allowed) return { allowed, address, kind };
  // Say what the address really is when it was written in another form (::ffff:a9fe:a9fe).
  const shown =
    v4 && dotted(bytes) !== address ? `${address} (${carried?.how ?? 'IPv4-mapped'} ${dotted(bytes)})` : address;
  const why =
    kind === 'loopback'
      ? '; loopback receivers are allowed in development and test only'
      : kind === 'private'
        ? ' that WEBHOOK_ALLOW_CIDRS does not list'
        : '';
  return { allowed, address, kind, reason: `${shown} is ${row!.what}${why}` };
}

/**
 * Judges a URL as written: http or https, no credentials, and a literal address host judged as
 * above. A host name passes here; its addresses are judged when it is resolved, at each request.
 * WHATWG URL parsing first, as Node's http does, so 0xa9.0xfe.0xa9.0xfe is seen as 169.254.169.254.
 */
export function judgeUrl(text: string, policy: EgressPolicy): UrlVerdict {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, rule: 'INVALID', reason: 'is not a URL that can be called' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, rule: 'SCHEME', reason: `must be http or https, not ${url.protocol.slice(0, -1)}` };
  if (url.username || url.password)
    return {
      ok: false,
      rule: 'CREDENTIALS',
      reason: 'must not carry credentials (user:password@); deliveries are signed instead',
    };
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!addressBytes(host)) return { ok: true, url, literal: false };
  const address = judgeAddress(host, policy);
  if (!address.allowed) return { ok: false, rule: 'FORBIDDEN', reason: address.reason, address };
  return { ok: true, url, literal: true };
}

/** Checks one WEBHOOK_ALLOW_CIDRS entry: a CIDR wholly inside one of the private ranges. */
export function allowableCidr(text: string): { cidr: Cidr } | { error: string } {
  const parsed = parseCidr(text);
  if ('error' in parsed) return parsed;
  const inside = PRIVATE_RANGES.some((r) => parsed.cidr.bits >= r.bits && contains(r, parsed.cidr.bytes));
  if (!inside)
    return {
      error: `${parsed.cidr.text} is not inside a private range (${PRIVATE_RANGES.map((r) => r.text).join(', ')})`,
    };
  return parsed;
}

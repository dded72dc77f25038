import { BlockList, isIP } from 'node:net';

/** An entry of the allow-list that is neither a CIDR, an address nor a host name, or is never allowed. */
export class GossipAllowError extends Error {
  override readonly name = 'GossipAllowError';
}

type Family = 'ipv4' | 'ipv6';

/** Link-local, unspecified, multicast and cloud metadata addresses: never contacted, whatever the allow-list says. */
const FORBIDDEN_SUBNETS: ReadonlyArray<readonly [string, number, Family]> = [
  ['169.254.0.0', 16, 'ipv4'], // link-local, includes 169.254.169.254 (AWS, GCP, Azure, OpenStack metadata)
  ['0.0.0.0', 8, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['255.255.255.255', 32, 'ipv4'],
  ['100.100.100.200', 32, 'ipv4'], // Alibaba Cloud metadata
  ['fe80::', 10, 'ipv6'], // link-local
  ['::', 128, 'ipv6'],
  ['ff00::', 8, 'ipv6'], // multicast
  ['fd00:ec2::254', 128, 'ipv6'], // AWS metadata over IPv6
];
/** Host names of metadata services. */
const FORBIDDEN_NAMES: ReadonlySet<string> = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.internal',
  'instance-data',
  'instance-data.ec2.internal',
]);
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
/** What a seed's address allows by default: its /24 (IPv4) or /64 (IPv6). */
const SEED_PREFIX: Readonly<Record<Family, number>> = { ipv4: 24, ipv6: 64 };
const LOOPBACK = ['127.0.0.0/8', '::1/128', 'localhost'];

const forbidden = new BlockList();
for (const [network, prefix, family] of FORBIDDEN_SUBNETS) forbidden.addSubnet(network, prefix, family);

/** An address as Node's BlockList wants it: IPv4-mapped IPv6 turned into IPv4, no brackets, no zone. */
export function normalizeAddress(address: string): { address: string; family: Family } | undefined {
  let bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  bare = bare.replace(/%.*$/, '').toLowerCase();
  const version = isIP(bare);
  if (version === 4) return { address: bare, family: 'ipv4' };
  if (version !== 6) return undefined;
  const dotted = /^(?:0{0,4}:){0,5}(?:0{0,4}:)?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare)?.[1];
  if (dotted !== undefined && isIP(dotted) === 4) return { address: dotted, family: 'ipv4' };
  const hex = /^(?:0{0,4}:){0,5}(?:0{0,4}:)?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(bare);
  if (hex?.[1] !== undefined && hex[2] !== undefined) {
    const high = parseInt(hex[1], 16);
    const low = parseInt(hex[2], 16);
    return { address: [high >> 8, high & 255, low >> 8, low & 255].join('.'), family: 'ipv4' };
  }
  return { address: bare, family: 'ipv6' };
}

/** True for link-local, metadata and other addresses no node ever sends gossip to. */
export function isForbiddenAddress(address: string): boolean {
  const normal = normalizeAddress(address);
  return normal !== undefined && forbidden.check(normal.address, normal.family);
}

function isForbiddenName(name: string): boolean {
  const bare = name.replace(/\.$/, '');
  return FORBIDDEN_NAMES.has(bare);
}

/**
 * Which addresses a member may advertise and this node may contact: http(s) to an address inside an
 * allowed CIDR or to an allowed host name (exact, or `*.suffix`), never link-local or metadata.
 */
export class GossipAddressPolicy {
  private readonly networks = new BlockList();
  private readonly names = new Set<string>();
  private readonly suffixes: string[] = [];
  readonly entries: readonly string[];

  constructor(entries: readonly string[]) {
    this.entries = entries;
    for (const entry of entries) this.add(entry);
  }

  /** Loopback plus the network of every seed (its /24 or /64, or its host name). */
  static forSeeds(seeds: readonly string[]): GossipAddressPolicy {
    const entries = [...LOOPBACK];
    for (const seed of seeds) {
      let host: string;
      try {
        host = new URL(seed).hostname;
      } catch {
        continue;
      }
      const normal = normalizeAddress(host);
      if (normal && !forbidden.check(normal.address, normal.family)) entries.push(`${normal.address}/${SEED_PREFIX[normal.family]}`);
      else if (!normal && HOST_NAME.test(host) && !isForbiddenName(host)) entries.push(host);
    }
    return new GossipAddressPolicy([...new Set(entries)]);
  }

  /** True when `url` is an http(s) URL whose host this node may contact. */
  allowsUrl(url: string): boolean {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
    if (parsed.username !== '' || parsed.password !== '') return false;
    return this.allowsHost(parsed.hostname);
  }

  allowsHost(host: string): boolean {
    const normal = normalizeAddress(host);
    if (normal) return !forbidden.check(normal.address, normal.family) && this.networks.check(normal.address, normal.family);
    const name = host.toLowerCase().replace(/\.$/, '');
    if (isForbiddenName(name) || !HOST_NAME.test(name)) return false;
    return this.names.has(name) || this.suffixes.some((suffix) => name.endsWith(suffix) && name.length > suffix.length);
  }

  private add(raw: string): void {
    const entry = raw.trim().toLowerCase();
    const never = (): GossipAllowError =>
      new GossipAllowError(`--gossip-allow entry "${entry}" is a link-local or metadata address; those are never allowed`);
    const slash = entry.indexOf('/');
    if (slash >= 0) {
      const normal = normalizeAddress(entry.slice(0, slash));
      const prefixText = entry.slice(slash + 1);
      const prefix = Number(prefixText);
      const max = normal?.family === 'ipv6' ? 128 : 32;
      if (!normal || !/^\d{1,3}$/.test(prefixText) || prefix > max) {
        throw new GossipAllowError(`--gossip-allow entry "${entry}" is not a CIDR like 10.0.0.0/8 or fd00::/8`);
      }
      if (forbidden.check(normal.address, normal.family) && prefix >= (normal.family === 'ipv4' ? 16 : 10)) throw never();
      this.networks.addSubnet(normal.address, prefix, normal.family);
      return;
    }
    const normal = normalizeAddress(entry);
    if (normal) {
      if (forbidden.check(normal.address, normal.family)) throw never();
      this.networks.addAddress(normal.address, normal.family);
      return;
    }
    const name = entry.replace(/\.$/, '');
    if (name.startsWith('*.') && HOST_NAME.test(name.slice(2))) {
      this.suffixes.push(name.slice(1));
      return;
    }
    if (!HOST_NAME.test(name)) {
      throw new GossipAllowError(`--gossip-allow entry "${entry}" is neither a CIDR, an address nor a host name`);
    }
    if (isForbiddenName(name)) throw never();
    this.names.add(name);
  }
}

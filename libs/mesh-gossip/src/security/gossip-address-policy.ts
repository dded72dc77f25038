import { formatAddress, parseAddress, SubnetSet } from './ip-subnets';

/** An entry of the allow-list that is neither a CIDR, an address nor a host name, or is never allowed. */
export class GossipAllowError extends Error {
  override readonly name = 'GossipAllowError';
}

/** Link-local, unspecified, multicast and cloud metadata addresses: never contacted, whatever the allow-list says. */
const FORBIDDEN_SUBNETS: ReadonlyArray<readonly [string, number]> = [
  ['169.254.0.0', 16], // link-local, includes 169.254.169.254 (AWS, GCP, Azure, OpenStack metadata)
  ['0.0.0.0', 8],
  ['224.0.0.0', 4], // multicast
  ['255.255.255.255', 32],
  ['100.100.100.200', 32], // Alibaba Cloud metadata
  ['fe80::', 10], // link-local
  ['::', 128],
  ['ff00::', 8], // multicast
  ['fd00:ec2::254', 128], // AWS metadata over IPv6
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
const SEED_PREFIX: Readonly<Record<4 | 6, number>> = { 4: 24, 6: 64 };
const LOOPBACK = ['127.0.0.0/8', '::1/128', 'localhost'];

const forbidden = new SubnetSet();
for (const [network, prefix] of FORBIDDEN_SUBNETS) {
  const address = parseAddress(network);
  if (address) forbidden.add(address, prefix);
}

/** True for link-local, metadata and other addresses no node ever sends gossip to. */
export function isForbiddenAddress(address: string): boolean {
  const parsed = parseAddress(address);
  return parsed !== undefined && forbidden.has(parsed);
}

function isForbiddenName(name: string): boolean {
  return FORBIDDEN_NAMES.has(name.replace(/\.$/, ''));
}

/**
 * Which addresses a member may advertise and this node may contact: http(s) to an address inside an
 * allowed CIDR or to an allowed host name (exact, or `*.suffix`), never link-local or metadata.
 */
export class GossipAddressPolicy {
  private readonly networks = new SubnetSet();
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
      const address = parseAddress(host);
      if (address && !forbidden.has(address)) entries.push(`${formatAddress(address)}/${SEED_PREFIX[address.family]}`);
      else if (!address && HOST_NAME.test(host) && !isForbiddenName(host)) entries.push(host);
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
    const address = parseAddress(host);
    if (address) return !forbidden.has(address) && this.networks.has(address);
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
      const address = parseAddress(entry.slice(0, slash));
      const prefixText = entry.slice(slash + 1);
      const prefix = Number(prefixText);
      if (!address || !/^\d{1,3}$/.test(prefixText) || prefix > (address.family === 6 ? 128 : 32)) {
        throw new GossipAllowError(`--gossip-allow entry "${entry}" is not a CIDR like 10.0.0.0/8 or fd00::/8`);
      }
      if (forbidden.has(address) && prefix >= (address.family === 4 ? 16 : 10)) throw never();
      this.networks.add(address, prefix);
      return;
    }
    const address = parseAddress(entry);
    if (address) {
      if (forbidden.has(address)) throw never();
      this.networks.add(address, address.family === 4 ? 32 : 128);
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

import { GossipAllowError } from '../errors/gossip-allow.error';
import { formatAddress, parseAddress, SubnetSet } from './ip-subnets';
import { GossipPortBook, parsePortRule, portOf, type PortRule } from './gossip-ports';


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

/** Hosts admitted with one port rule. */
interface HostGroup {
  readonly ports: PortRule;
  readonly networks: SubnetSet;
  readonly names: Set<string>;
  readonly suffixes: string[];
}

/** How entries without a port are read: the gossip ports only (the host's rule), or any port. */
export type HostOnlyPorts = 'gossip' | 'any';

/**
 * Which addresses a member may advertise and this node may contact: http(s) to a host inside an
 * allowed CIDR or an allowed host name (exact, or `*.suffix`), at a port the entry admits, never
 * link-local or metadata. An entry may name its ports (`10.0.0.0/8:7400`, `node-1:7400-7409`,
 * `[fd00::]/8:7400`, `host:*` for any port); an entry without a port admits the gossip ports (the
 * `ports` book: seeds, this node, members that spoke for themselves, members a seed introduced), or
 * any port when constructed with `hostOnlyPorts: 'any'` (in-memory simulations).
 */
export class GossipAddressPolicy {
  private readonly groups: HostGroup[] = [];
  readonly entries: readonly string[];
  readonly ports: GossipPortBook;
  private readonly hostOnly: HostOnlyPorts;

  constructor(entries: readonly string[], options: { readonly hostOnlyPorts?: HostOnlyPorts; readonly ports?: GossipPortBook } = {}) {
    this.entries = entries;
    this.hostOnly = options.hostOnlyPorts ?? 'any';
    this.ports = options.ports ?? new GossipPortBook();
    for (const entry of entries) this.add(entry);
  }

  /**
   * Loopback plus the network of every seed (its /24 or /64, or its host name), at the gossip ports,
   * which start as the seeds' ports.
   */
  static forSeeds(seeds: readonly string[], hostOnlyPorts: HostOnlyPorts = 'any'): GossipAddressPolicy {
    const entries = [...LOOPBACK];
    const ports = new GossipPortBook();
    for (const seed of seeds) {
      let host: string;
      try {
        const url = new URL(seed);
        host = url.hostname;
        ports.learn(portOf(url));
      } catch {
        continue;
      }
      const address = parseAddress(host);
      if (address && !forbidden.has(address)) entries.push(`${formatAddress(address)}/${SEED_PREFIX[address.family]}`);
      else if (!address && HOST_NAME.test(host) && !isForbiddenName(host)) entries.push(host);
    }
    return new GossipAddressPolicy([...new Set(entries)], { hostOnlyPorts, ports });
  }

  /** True when `url` is an http(s) URL whose host and port this node may contact. */
  allowsUrl(url: string): boolean {
    const parsed = this.parse(url);
    if (!parsed) return false;
    const port = portOf(parsed);
    return this.groups.some((group) => this.admitsPort(group.ports, port) && this.groupHas(group, parsed.hostname));
  }

  /** True when `url`'s host is allowed at some port (its port may still need to be learned). */
  allowsHostOf(url: string): boolean {
    const parsed = this.parse(url);
    return parsed !== undefined && this.allowsHost(parsed.hostname);
  }

  /** True when the host is allowed by some entry, whatever the port. */
  allowsHost(host: string): boolean {
    return this.groups.some((group) => this.groupHas(group, host));
  }

  /** True when entries without a port admit only learned gossip ports. */
  get learnsPorts(): boolean {
    return this.hostOnly === 'gossip';
  }

  private parse(url: string): URL | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    if (parsed.username !== '' || parsed.password !== '') return undefined;
    return parsed;
  }

  private admitsPort(rule: PortRule, port: number): boolean {
    if (rule.kind === 'any') return true;
    if (rule.kind === 'range') return port >= rule.low && port <= rule.high;
    return this.hostOnly === 'any' || this.ports.has(port);
  }

  private groupHas(group: HostGroup, host: string): boolean {
    const address = parseAddress(host);
    if (address) return !forbidden.has(address) && group.networks.has(address);
    const name = host.toLowerCase().replace(/\.$/, '');
    if (isForbiddenName(name) || !HOST_NAME.test(name)) return false;
    return group.names.has(name) || group.suffixes.some((suffix) => name.endsWith(suffix) && name.length > suffix.length);
  }

  private groupFor(ports: PortRule): HostGroup {
    const key = JSON.stringify(ports);
    let group = this.groups.find((candidate) => JSON.stringify(candidate.ports) === key);
    if (!group) {
      group = { ports, networks: new SubnetSet(), names: new Set(), suffixes: [] };
      this.groups.push(group);
    }
    return group;
  }

  /** Splits `host:ports` (IPv6 in brackets when a port is written); the host part and its port rule. */
  private static split(entry: string): { host: string; ports: PortRule } {
    const gossip: PortRule = { kind: 'gossip' };
    const bad = (): GossipAllowError => new GossipAllowError(`--gossip-allow entry "${entry}" has a port that is not a number, a range like 7400-7409, or *`);
    if (entry.startsWith('[')) {
      const close = entry.indexOf(']');
      if (close < 0) throw new GossipAllowError(`--gossip-allow entry "${entry}" opens [ without closing it`);
      // `[fd00::]/8:7400`: the prefix length follows the bracket.
      const prefix = /^\/\d{1,3}/.exec(entry.slice(close + 1))?.[0] ?? '';
      const host = `${entry.slice(1, close)}${prefix}`;
      const rest = entry.slice(close + 1 + prefix.length);
      if (rest === '') return { host, ports: gossip };
      const ports = rest.startsWith(':') ? parsePortRule(rest.slice(1)) : undefined;
      if (!ports) throw bad();
      return { host, ports };
    }
    const colons = entry.split(':').length - 1;
    // More than one colon without brackets: an IPv6 address or CIDR, no port.
    if (colons !== 1) return { host: entry, ports: gossip };
    const at = entry.lastIndexOf(':');
    const ports = parsePortRule(entry.slice(at + 1));
    if (!ports) throw bad();
    return { host: entry.slice(0, at), ports };
  }

  private add(raw: string): void {
    const { host: entry, ports } = GossipAddressPolicy.split(raw.trim().toLowerCase());
    const group = this.groupFor(ports);
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
      group.networks.add(address, prefix);
      return;
    }
    const address = parseAddress(entry);
    if (address) {
      if (forbidden.has(address)) throw never();
      group.networks.add(address, address.family === 4 ? 32 : 128);
      return;
    }
    const name = entry.replace(/\.$/, '');
    if (name.startsWith('*.') && HOST_NAME.test(name.slice(2))) {
      group.suffixes.push(name.slice(1));
      return;
    }
    if (!HOST_NAME.test(name)) {
      throw new GossipAllowError(`--gossip-allow entry "${entry}" is neither a CIDR, an address nor a host name`);
    }
    if (isForbiddenName(name)) throw never();
    group.names.add(name);
  }
}

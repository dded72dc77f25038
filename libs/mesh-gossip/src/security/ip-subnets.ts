import { isIP } from 'node:net';

/** An IPv4 or IPv6 address as a big integer, with its family; IPv4-mapped IPv6 becomes IPv4. */
export interface ParsedAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
}

function ipv4Value(text: string): bigint {
  return text.split('.').reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

function ipv6Value(text: string): bigint {
  let groups: string[];
  // A trailing dotted quad is two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  let body = text;
  if (dotted !== undefined) {
    const v4 = ipv4Value(dotted);
    body = `${text.slice(0, -dotted.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = body.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  if (tail === undefined) groups = headGroups;
  else {
    const tailGroups = tail === '' ? [] : tail.split(':');
    groups = [...headGroups, ...new Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  }
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}


/** Parses a literal address (brackets and a zone allowed); undefined for anything else. */
export function parseAddress(text: string): ParsedAddress | undefined {
  let bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  bare = bare.replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 4) return { family: 4, value: ipv4Value(bare) };
  if (version !== 6) return undefined;
  const value = ipv6Value(bare.toLowerCase());
  if (value >> 32n === 0xffffn) return { family: 4, value: value & 0xffffffffn };
  return { family: 6, value };
}

export function formatAddress(address: ParsedAddress): string {
  if (address.family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((address.value >> shift) & 255n)).join('.');
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((address.value >> shift) & 0xffffn).toString(16));
  return groups.join(':');
}

/** A set of subnets, checked by plain integer masks (no allocation per check beyond the parse). */
export class SubnetSet {
  private readonly subnets: Array<{ family: 4 | 6; network: bigint; mask: bigint }> = [];

  add(address: ParsedAddress, prefix: number): void {
    const bits = address.family === 4 ? 32n : 128n;
    const hostBits = bits - BigInt(prefix);
    const mask = ((1n << bits) - 1n) ^ ((1n << hostBits) - 1n);
    this.subnets.push({ family: address.family, network: address.value & mask, mask });
  }

  has(address: ParsedAddress): boolean {
    return this.subnets.some((subnet) => subnet.family === address.family && (address.value & subnet.mask) === subnet.network);
  }
}

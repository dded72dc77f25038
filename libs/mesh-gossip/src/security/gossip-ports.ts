/**
 * Which ports an allow-list entry admits: `gossip` (no port written: the gossip ports this node
 * knows, see GossipPortBook), `any` (`:*`), or a range (`:8080`, `:8080-8089`).
 */
export type PortRule = { readonly kind: 'gossip' } | { readonly kind: 'any' } | { readonly kind: 'range'; readonly low: number; readonly high: number };

/** Ports learned at most; a port past it is not learned (and counted by the caller). */
export const GOSSIP_PORTS_MAX = 1024;

/** Parses the text after the colon of `host:ports`; undefined when it is not a port, a range or `*`. */
export function parsePortRule(text: string): PortRule | undefined {
  if (text === '*') return { kind: 'any' };
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!match) return undefined;
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  if (low < 1 || high > 65_535 || low > high) return undefined;
  return { kind: 'range', low, high };
}

/** The port of an http(s) URL, the scheme's default when none is written. */
export function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/**
 * The gossip ports: the ports of the seeds, of this node's own URL, of members that spoke for
 * themselves (their own entry, in a message they signed) and of members a seed introduced. Bounded.
 */
export class GossipPortBook {
  private readonly ports = new Set<number>();
  /** Ports not learned because the book was full. */
  refused = 0;

  constructor(initial: Iterable<number> = []) {
    for (const port of initial) this.learn(port);
  }

  has(port: number): boolean {
    return this.ports.has(port);
  }

  get size(): number {
    return this.ports.size;
  }

  /** Adds the port; false when the book is full (the port stays refused). */
  learn(port: number): boolean {
    if (this.ports.has(port)) return true;
    if (this.ports.size >= GOSSIP_PORTS_MAX) {
      this.refused++;
      return false;
    }
    this.ports.add(port);
    return true;
  }

  /** Learns the port of `url` (an http(s) URL); false when it is not one or the book is full. */
  learnUrl(url: string): boolean {
    try {
      return this.learn(portOf(new URL(url)));
    } catch {
      return false;
    }
  }
}

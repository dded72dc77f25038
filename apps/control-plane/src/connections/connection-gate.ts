import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server, Socket } from 'node:net';
import type { ConnectionGateOptions } from './connection-gate-options';

/** One open connection, as the gate sees it. */
interface Tracked {
  readonly socket: Socket;
  readonly address: string;
  /** One of its requests carried a token the host accepts (never reset: the connection is a known caller's). */
  authenticated: boolean;
  /** Requests of this connection being answered now. */
  inFlight: number;
  /** When a request of it last started or finished, or when it connected. */
  lastActive: number;
}

/** What the gate did so far (tests and the attack-replay tier read it through the host's log and metrics). */
export interface ConnectionGateCounters {
  open: number;
  unauthenticated: number;
  /** New connections closed at once: every slot (or the address's share) held by connections that cannot be let go. */
  refused: number;
  /** Idle unauthenticated connections closed to make room for a new one. */
  evicted: number;
  /** Unauthenticated connections closed after `unauthenticatedIdleMs` without a request. */
  idleClosed: number;
}

/** Key of a connection that both its TCP socket and, over TLS, its TLS socket report. */
const keyOf = (socket: Socket): string => `${socket.remoteAddress ?? ''}|${socket.remotePort ?? ''}`;

/**
 * Fair connection slots for the host's HTTP(S) server. Every connection starts unauthenticated; the
 * host's request door marks it authenticated once one of its requests carries an accepted token.
 * - At most `maxConnections` are open; at most `maxConnectionsPerAddress` from one remote address.
 * - Unauthenticated connections hold at most `maxConnections - reservedConnections` slots: past that
 *   a new connection closes the least recently active idle unauthenticated one (no request being
 *   answered), so probes of `/health/...` and callers with a token always find a slot; a full
 *   address or a full server does the same before it refuses the newcomer.
 * - An unauthenticated connection without a request for `unauthenticatedIdleMs` is closed.
 * Authenticated connections are never closed by the gate; they leave by the server's own timeouts.
 */
export class ConnectionGate {
  private readonly byKey = new Map<string, Tracked>();
  /** Unauthenticated connections, least recently active first (re-inserted on activity). */
  private readonly idleOrder = new Map<Tracked, true>();
  private readonly perAddress = new Map<string, number>();
  private readonly sweeper: ReturnType<typeof setInterval>;
  readonly counters: ConnectionGateCounters = { open: 0, unauthenticated: 0, refused: 0, evicted: 0, idleClosed: 0 };

  constructor(
    server: Server,
    private readonly options: ConnectionGateOptions,
    private readonly now: () => number = Date.now,
  ) {
    server.on('connection', (socket: Socket) => this.admit(socket));
    server.on('request', (request: IncomingMessage, response: ServerResponse) => this.track(request, response));
    server.once('close', () => clearInterval(this.sweeper));
    this.sweeper = setInterval(() => this.sweep(), Math.max(100, Math.min(1000, Math.floor(options.unauthenticatedIdleMs / 2))));
    this.sweeper.unref();
  }

  /** The connection of `socket` (the TCP or the TLS socket of a request) counts as a known caller's from now on. */
  markAuthenticated(socket: Socket): void {
    const tracked = this.byKey.get(keyOf(socket));
    if (tracked === undefined || tracked.authenticated) return;
    tracked.authenticated = true;
    this.idleOrder.delete(tracked);
    this.counters.unauthenticated = this.idleOrder.size;
  }

  private admit(socket: Socket): void {
    const address = socket.remoteAddress;
    if (address === undefined) {
      socket.destroy();
      return;
    }
    const fromAddress = this.perAddress.get(address) ?? 0;
    const full = this.counters.open >= this.options.maxConnections;
    // Room is made by letting idle unauthenticated connections go (of this address when its share is used).
    if (fromAddress >= this.options.maxConnectionsPerAddress ? !this.evictIdle(address) : full && !this.evictIdle(undefined)) {
      this.counters.refused++;
      socket.destroy();
      return;
    }
    if (this.idleOrder.size >= this.options.maxConnections - this.options.reservedConnections) this.evictIdle(undefined);
    const tracked: Tracked = { socket, address, authenticated: !this.options.authenticates, inFlight: 0, lastActive: this.now() };
    const key = keyOf(socket);
    this.byKey.set(key, tracked);
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    this.counters.open++;
    if (!tracked.authenticated) this.idleOrder.set(tracked, true);
    this.counters.unauthenticated = this.idleOrder.size;
    socket.once('close', () => this.forget(key, tracked));
  }

  private track(request: IncomingMessage, response: ServerResponse): void {
    const tracked = this.byKey.get(keyOf(request.socket));
    if (tracked === undefined) return;
    tracked.inFlight++;
    this.touch(tracked);
    response.once('close', () => {
      tracked.inFlight--;
      this.touch(tracked);
    });
  }

  private touch(tracked: Tracked): void {
    tracked.lastActive = this.now();
    if (tracked.authenticated || !this.idleOrder.has(tracked)) return;
    this.idleOrder.delete(tracked);
    this.idleOrder.set(tracked, true);
  }

  /** Closes the least recently active idle unauthenticated connection (of `address`, when given); false if none. */
  private evictIdle(address: string | undefined): boolean {
    for (const tracked of this.idleOrder.keys()) {
      if (tracked.inFlight > 0 || (address !== undefined && tracked.address !== address)) continue;
      this.counters.evicted++;
      this.close(tracked);
      return true;
    }
    return false;
  }

  /**
   * Closes the unauthenticated connections idle for too long. Decided after the poll phase
   * (setImmediate): a request that arrived while the event loop was busy is read first, so a
   * connection is not closed under a request already sent.
   */
  private sweep(): void {
    const oldest = this.now() - this.options.unauthenticatedIdleMs;
    const candidates: Array<{ tracked: Tracked; lastActive: number }> = [];
    for (const tracked of this.idleOrder.keys()) {
      if (tracked.lastActive > oldest) break;
      if (tracked.inFlight === 0) candidates.push({ tracked, lastActive: tracked.lastActive });
    }
    if (candidates.length === 0) return;
    setImmediate(() => {
      for (const { tracked, lastActive } of candidates) {
        if (tracked.inFlight > 0 || tracked.lastActive !== lastActive || !this.idleOrder.has(tracked)) continue;
        this.counters.idleClosed++;
        this.close(tracked);
      }
    });
  }

  /** Stops counting it at once (the socket's close event comes later) and destroys it. */
  private close(tracked: Tracked): void {
    this.forget(keyOf(tracked.socket), tracked);
    tracked.socket.destroy();
  }

  private forget(key: string, tracked: Tracked): void {
    if (this.byKey.get(key) !== tracked) return;
    this.byKey.delete(key);
    this.idleOrder.delete(tracked);
    const left = (this.perAddress.get(tracked.address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(tracked.address, left);
    else this.perAddress.delete(tracked.address);
    this.counters.open--;
    this.counters.unauthenticated = this.idleOrder.size;
  }
}

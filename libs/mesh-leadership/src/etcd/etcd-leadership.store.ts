import { Logger } from '@nestjs/common';
import { EtcdLeaseInvalidError, type Etcd3, type Lease, type Watcher } from 'etcd3';
import type { LeadershipStore, ScopeLeadership } from '../interfaces/leadership-store.interface';
import type { EtcdLeadershipOptions } from './etcd-leadership-options.interface';
import { formatLeadershipInterval } from './leadership-interval-log';

interface Led {
  readonly term: number;
  readonly start: number;
}

interface Seen {
  readonly leaderId: string | undefined;
  readonly term: number;
  readonly since: number;
}

/** Who may fence a write on a scope's leadership: the leader key and the term it was won at. */
export interface LeadershipFence {
  readonly key: string;
  readonly term: number;
}

/**
 * Leadership by etcd. A scope's leader is the node whose key `<prefix>leadership/leader/<scope>` exists,
 * created in a transaction only while absent and bound to the node's etcd lease; the term is that
 * key's create revision, so it is agreed by every node, only grows, and fences writes (compare the
 * key's create revision). The node renews its lease every quarter TTL and acts as leader only until
 * `last successful renewal sent + TTL`: etcd cannot have expired the lease before then, so a node
 * that cannot renew (etcd unreachable, process paused) has stopped acting before anyone else can win.
 */
export class EtcdLeadershipStore implements LeadershipStore {
  private readonly logger = new Logger('EtcdLeadership');
  private readonly client: Etcd3;
  private readonly now: () => number;
  private readonly root: string;
  private readonly listeners = new Set<(leadership: ScopeLeadership) => void>();
  private readonly seen = new Map<string, Seen>();
  private readonly led = new Map<string, Led>();
  private members: readonly string[] = [];
  private lease: Lease | undefined;
  private leaseId = '';
  /** Until when this node may act as leader (epoch ms). */
  private actUntil = 0;
  private viewAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private ticking = false;
  /** A tick was asked for while one ran (a leader key went away): run another right after it. */
  private tickAgain = false;
  private watcher: Watcher | undefined;
  /** The leader each scope had before it had none: shown as suspect until a new leader is seen. */
  private readonly lastLeader = new Map<string, string>();

  constructor(private readonly options: EtcdLeadershipOptions) {
    this.client = options.client;
    this.now = options.now ?? Date.now;
    this.root = `${options.prefix}leadership/`;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.options.ttlMs / 4)));
    this.timer.unref();
    void this.tick();
    void this.watchLeaders();
  }

  /**
   * Campaigns the moment a leader key goes (its lease expired or was revoked) instead of at the next
   * tick, which would add up to a quarter TTL twice (one tick to see the key gone, one to campaign).
   * The watch is an accelerator only: ticks still observe and campaign if it is down.
   */
  private async watchLeaders(): Promise<void> {
    try {
      const watcher = await this.client.watch().prefix(this.leaderKey('')).create();
      if (this.timer === undefined) {
        await watcher.cancel();
        return;
      }
      this.watcher = watcher;
      watcher.on('delete', () => void this.tick());
      watcher.on('error', () => undefined);
    } catch (error) {
      this.options.onStoreError?.(error);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.deadlineTimer);
    this.timer = undefined;
    await this.watcher?.cancel().catch(() => undefined);
    this.watcher = undefined;
    this.stepDownAll(this.now());
    // Revoking lets another node take over at once instead of after the TTL.
    await this.lease?.revoke().catch(() => undefined);
    this.lease = undefined;
  }

  leaders(): readonly ScopeLeadership[] {
    const stale = this.now() - this.viewAt > this.options.ttlMs;
    return this.options.scopes.map((scope) => {
      const seen = this.seen.get(scope) ?? { leaderId: undefined, term: 0, since: 0 };
      // A view older than the TTL may name a leader that is gone; and this node never claims a scope it may not act for.
      const unsure = stale || (seen.leaderId === this.options.nodeId && !this.leads(scope));
      const leaderId = unsure ? undefined : seen.leaderId;
      // Without a leader to name, the last one known is named as suspect (never as leader: nothing may act on it).
      const suspect = leaderId === undefined ? (seen.leaderId ?? this.lastLeader.get(scope)) : undefined;
      return { scope, leaderId, term: seen.term, since: seen.since, ...(suspect === undefined ? {} : { suspectLeaderId: suspect }) };
    });
  }

  participants(): readonly string[] {
    return this.members;
  }

  onChange(listener: (leadership: ScopeLeadership) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True while this node leads `scope` and may still act on it. */
  leads(scope: string): boolean {
    return this.led.has(scope) && this.now() < this.actUntil;
  }

  /** The fence of `scope` while this node leads it; writes comparing it fail once leadership moved on. */
  fence(scope: string): LeadershipFence | undefined {
    const led = this.led.get(scope);
    return led && this.leads(scope) ? { key: this.leaderKey(scope), term: led.term } : undefined;
  }

  private leaderKey(scope: string): string {
    return `${this.root}leader/${scope}`;
  }

  private async tick(): Promise<void> {
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = true;
    try {
      // First of all: a node that slept past its deadline (SIGSTOP, a long pause) acts no more.
      if (this.now() >= this.actUntil) this.stepDownAll(this.actUntil);
      await this.renew();
      await this.observe();
      // Campaigns right after seeing a scope without a leader, and reads the outcome at once.
      const open = this.options.campaignScopes.filter((scope) => this.seen.get(scope)?.leaderId === undefined);
      for (const scope of open) await this.campaign(scope);
      if (open.length > 0) await this.observe();
    } catch (error) {
      this.options.onStoreError?.(error);
    } finally {
      this.ticking = false;
    }
    if (this.tickAgain && this.timer !== undefined) {
      this.tickAgain = false;
      void this.tick();
    }
  }

  /** Grants the lease (and announces this node) or keeps it alive; moves the act-until deadline. */
  private async renew(): Promise<void> {
    const ttlSeconds = Math.max(1, Math.ceil(this.options.ttlMs / 1000));
    const sentAt = this.now();
    if (this.lease === undefined) {
      const lease = this.client.lease(ttlSeconds, { autoKeepAlive: false });
      lease.on('lost', () => undefined);
      this.leaseId = await lease.grant();
      this.lease = lease;
      await this.client.put(`${this.root}member/${this.options.nodeId}`).value(this.options.nodeId).lease(this.leaseId).exec();
      this.setDeadline(sentAt + this.options.ttlMs);
      return;
    }
    const lease = this.lease;
    // A keep-alive stream has no deadline of its own: one that hangs (etcd electing a leader, a dead
    // connection) would stall every later tick, so each renewal gives up within a quarter TTL and the
    // next tick tries again, on another member if the client marked this one failed.
    const deadline = sentAt + Math.max(200, Math.floor(this.options.ttlMs / 4));
    try {
      const answer = await lease.keepaliveOnce({ deadline: new Date(deadline) });
      this.setDeadline(sentAt + Math.min(this.options.ttlMs, Number(answer.TTL) * 1000));
    } catch (error) {
      if (!(error instanceof EtcdLeaseInvalidError)) throw error;
      // etcd no longer knows the lease (it expired during a pause or an outage): whatever it held is
      // gone, so step down and start over with a new lease on the next tick. Any other failure keeps
      // the lease: the server may still hold it, and with it this node's leader keys.
      this.stepDownAll(Math.min(this.now(), this.actUntil));
      if (this.lease === lease) {
        this.lease = undefined;
        this.leaseId = '';
      }
    }
  }

  private setDeadline(deadline: number): void {
    this.actUntil = deadline;
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(() => {
      if (this.now() >= this.actUntil) this.stepDownAll(this.actUntil);
    }, Math.max(0, deadline - this.now()));
    this.deadlineTimer.unref();
  }

  private async campaign(scope: string): Promise<void> {
    if (this.leaseId === '') return;
    const key = this.leaderKey(scope);
    await this.client.if(key, 'Create', '==', 0).then(this.client.put(key).value(this.options.nodeId).lease(this.leaseId)).commit();
  }

  /** Reads every leader and member key at once and updates the view (and this node's own leadership). */
  private async observe(): Promise<void> {
    const readAt = this.now();
    const answer = await this.client.getAll().prefix(this.root).exec();
    const leaders = new Map<string, { leaderId: string; term: number; lease: string }>();
    const members: string[] = [];
    for (const kv of answer.kvs) {
      const key = kv.key.toString();
      const value = kv.value.toString();
      if (key.startsWith(`${this.root}member/`)) members.push(value);
      else if (key.startsWith(`${this.root}leader/`)) {
        leaders.set(key.slice(`${this.root}leader/`.length), { leaderId: value, term: Number(kv.create_revision), lease: kv.lease });
      }
    }
    this.members = members.sort();
    this.viewAt = readAt;
    for (const scope of this.options.scopes) {
      const current = leaders.get(scope);
      const mine = current !== undefined && current.leaderId === this.options.nodeId && current.lease === this.leaseId;
      const led = this.led.get(scope);
      if (led && (!mine || led.term !== current.term)) this.stepDown(scope, led, Math.min(readAt, this.actUntil));
      if (mine && !this.led.has(scope) && readAt < this.actUntil) {
        this.led.set(scope, { term: current.term, start: readAt });
        this.logger.log(formatLeadershipInterval({ nodeId: this.options.nodeId, scope, term: current.term, start: readAt }));
      }
      const previous = this.seen.get(scope);
      const leaderId = current?.leaderId;
      if (previous?.leaderId !== undefined) this.lastLeader.set(scope, previous.leaderId);
      const term = current?.term ?? previous?.term ?? 0;
      if (previous !== undefined && previous.leaderId === leaderId && previous.term === term) continue;
      this.seen.set(scope, { leaderId, term, since: readAt });
      for (const listener of this.listeners) listener({ scope, leaderId, term, since: readAt });
    }
  }

  private stepDownAll(at: number): void {
    for (const [scope, led] of this.led) this.stepDown(scope, led, at);
  }

  /** Ends an interval at `at`: the moment this node stopped acting, which may be earlier than when it noticed. */
  private stepDown(scope: string, led: Led, at: number): void {
    this.led.delete(scope);
    const end = Math.max(led.start, at);
    this.logger.log(formatLeadershipInterval({ nodeId: this.options.nodeId, scope, term: led.term, start: led.start, end }));
    const seen = this.seen.get(scope);
    if (seen?.leaderId === this.options.nodeId) for (const listener of this.listeners) listener({ scope, ...seen, leaderId: undefined });
  }
}

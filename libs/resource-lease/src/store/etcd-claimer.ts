import type { Etcd3, IKeyValue } from 'etcd3';
import { MAX_HOLDERS_PER_ITEM } from '../resource-lease.limits';
import { leaseValue, type EtcdItem, type EtcdWorkLayout } from './etcd-work.layout';
import type { ClaimedItem, StoredLease } from './work-store.interface';

/** A pending entry as read: its key, the revision the claim compares, and the item it carries. */
interface Candidate {
  readonly key: string;
  readonly modRevision: string;
  readonly item: EtcdItem;
}

/** Pending entries read per refill: the window claims pick from at random. */
const WINDOW = 64;
/** A window older than this is read again: other dispatchers have probably taken much of it. */
const WINDOW_MAX_AGE_MS = 250;
/** Claims of one request that lost their race to another dispatcher before it gives up (as a store failure). */
const MAX_CONFLICTS = 25;

/**
 * Leases pending items without a race at the queue's head. The claimer reads the first WINDOW pending
 * entries in one range request (shared by every claim waiting for it) and each claim takes one of
 * them at random that no other claim of this process is trying: claims of one process never collide,
 * and dispatchers picking at random from the same window rarely do. A pending entry carries the item
 * as it was written, in the same transaction as `items/<seq>`, so both have the same mod revision and
 * the claim is one transaction comparing them, with no read of the item: one etcd round trip per
 * lease, plus a range read per window. A lost comparison (another dispatcher took it) moves on to the
 * next candidate. Requeued entries sort first, so they are in the window first.
 */
export class EtcdClaimer {
  private candidates: Candidate[] = [];
  private readAt = 0;
  private readonly trying = new Set<string>();
  private refilling: Promise<void> | undefined;

  constructor(
    private readonly client: Etcd3,
    private readonly layout: EtcdWorkLayout,
  ) {}

  async claim(workerId: string, leaseId: string, deadline: number): Promise<ClaimedItem | undefined> {
    for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
      const candidate = await this.next();
      if (candidate === undefined) return undefined;
      this.trying.add(candidate.key);
      try {
        const claimed = await this.tryClaim(candidate, workerId, leaseId, deadline);
        if (claimed) return claimed;
      } finally {
        this.trying.delete(candidate.key);
      }
    }
    throw new Error('lease lost too many races with other dispatchers');
  }

  /** Forgets the window (after a requeue: the requeued item should be offered first). */
  invalidate(): void {
    this.candidates = [];
  }

  private async next(): Promise<Candidate | undefined> {
    if (this.candidates.length === 0 || performance.now() - this.readAt > WINDOW_MAX_AGE_MS) await this.refill();
    // Taken at random, so that dispatchers reading the same window rarely pick the same entry.
    const index = Math.floor(Math.random() * this.candidates.length);
    const candidate = this.candidates[index];
    if (candidate === undefined) return undefined;
    const last = this.candidates.pop();
    if (last !== undefined && index < this.candidates.length) this.candidates[index] = last;
    return candidate;
  }

  private refill(): Promise<void> {
    this.refilling ??= (async () => {
      try {
        const answer = await this.client.getAll().prefix(this.layout.under('pending/')).sort('Key', 'Ascend').limit(WINDOW).exec();
        this.candidates = answer.kvs.flatMap((kv) => {
          const candidate = this.candidateOf(kv);
          return candidate === undefined || this.trying.has(candidate.key) ? [] : [candidate];
        });
        this.readAt = performance.now();
      } finally {
        this.refilling = undefined;
      }
    })();
    return this.refilling;
  }

  private candidateOf(kv: IKeyValue): Candidate | undefined {
    const value: unknown = JSON.parse(kv.value.toString());
    if (typeof value !== 'object' || value === null) return undefined;
    return { key: kv.key.toString(), modRevision: kv.mod_revision, item: value as EtcdItem };
  }

  private async tryClaim(candidate: Candidate, workerId: string, leaseId: string, deadline: number): Promise<ClaimedItem | undefined> {
    const item = candidate.item;
    const holders = [...item.holders, workerId].slice(-MAX_HOLDERS_PER_ITEM);
    const leased: EtcdItem = { ...item, state: 'leased', leasedBy: workerId, holders };
    const lease: StoredLease = { leaseId, workerId, sequenceId: item.sequenceId, attempt: item.attempt };
    const itemKey = this.layout.item(item.sequenceId);
    const done = await this.client
      .if(candidate.key, 'Mod', '==', candidate.modRevision)
      .and(itemKey, 'Mod', '==', candidate.modRevision)
      .then(
        this.client.delete().key(candidate.key),
        this.client.put(itemKey).value(JSON.stringify(leased)),
        this.client.put(this.layout.lease(leaseId)).value(leaseValue(lease)),
        this.client.put(this.layout.deadline(leaseId)).value(String(deadline)),
        this.client.put(this.layout.held(workerId, leaseId)).value(leaseValue(lease)),
      )
      .commit();
    if (!done.succeeded) return undefined;
    const { sequenceId, attempt, resourceType, resourceId, payload } = leased;
    return { sequenceId, attempt, leaseId, resourceType, resourceId, payload };
  }
}

import type { Etcd3 } from 'etcd3';
import type { LeaseReference } from '../interfaces/resource-lease.interfaces';
import { LeaseRequestError } from '../errors/lease-request.error';
import { chunks, leaseValue, parseLease, TXN_OPS, type EtcdWorkLayout } from './etcd-work.layout';
import type { HeldLeaseRenewal, StoredLease } from './work-store.interface';

/**
 * Heartbeats on etcd at the cost of one round trip. A lease's value never changes while it lives
 * (its deadline is a key of its own), so a heartbeat is one transaction comparing the value the
 * worker's reference implies (`Value ==`) and writing the deadline; on a mismatch the same
 * transaction reads the lease, which tells 404 from 409. A worker's heartbeat renews the leases it
 * names in one transaction comparing that each `held/<worker>/<lease>` key exists (it does exactly
 * while the worker holds the lease), reading the worker's leases in the same transaction.
 */
export class EtcdLeaseRenewal {
  constructor(
    private readonly client: Etcd3,
    private readonly layout: EtcdWorkLayout,
  ) {}

  async extend(leaseId: string, reference: LeaseReference, deadline: number): Promise<StoredLease> {
    const lease: StoredLease = { leaseId, workerId: reference.workerId, sequenceId: reference.sequenceId, attempt: reference.attempt };
    const key = this.layout.lease(leaseId);
    const done = await this.client
      .if(key, 'Value', '==', leaseValue(lease))
      .then(this.client.put(this.layout.deadline(leaseId)).value(String(deadline)))
      .else(this.client.get(key))
      .commit();
    if (done.succeeded) return lease;
    const kv = done.responses[0]?.response_range.kvs[0];
    if (kv === undefined) throw new LeaseRequestError(404, 'unknown-lease', `no active lease ${leaseId}`);
    const { workerId, sequenceId, attempt } = parseLease(kv);
    throw new LeaseRequestError(409, 'lease-mismatch', `lease ${leaseId} is held by ${workerId} for item ${sequenceId} attempt ${attempt}`);
  }

  async renewHeld(workerId: string, leaseIds: readonly string[] | undefined, deadline: number): Promise<HeldLeaseRenewal> {
    if (leaseIds === undefined) return this.renewAll(await this.heldBy(workerId), [], deadline);
    const named = [...new Set(leaseIds)];
    if (named.length === 0) return { renewed: [], lost: [] };
    if (named.length <= TXN_OPS - 1) {
      // The usual case, the worker holds every lease it names: one transaction renews them all.
      const held = this.layout.held(workerId);
      let guard = this.client.if(this.layout.held(workerId, named[0]), 'Create', '>', 0);
      for (const leaseId of named.slice(1)) guard = guard.and(this.layout.held(workerId, leaseId), 'Create', '>', 0);
      const done = await guard
        .then(...named.map((leaseId) => this.client.put(this.layout.deadline(leaseId)).value(String(deadline))), this.client.getAll().prefix(held))
        .else(this.client.getAll().prefix(held))
        .commit();
      const kvs = done.responses[done.succeeded ? named.length : 0]?.response_range.kvs ?? [];
      const byId = new Map(kvs.map((kv) => parseLease(kv)).map((lease) => [lease.leaseId, lease]));
      const wanted = named.flatMap((leaseId) => byId.get(leaseId) ?? []);
      const lost = named.filter((leaseId) => !byId.has(leaseId));
      return done.succeeded ? { renewed: wanted, lost } : this.renewAll(wanted, lost, deadline);
    }
    const byId = new Map((await this.heldBy(workerId)).map((lease) => [lease.leaseId, lease]));
    return this.renewAll(
      named.flatMap((leaseId) => byId.get(leaseId) ?? []),
      named.filter((leaseId) => !byId.has(leaseId)),
      deadline,
    );
  }

  /** The leases `workerId` holds, from its index. */
  async heldBy(workerId: string): Promise<StoredLease[]> {
    const answer = await this.client.getAll().prefix(this.layout.held(workerId)).exec();
    return answer.kvs.map((kv) => parseLease(kv));
  }

  /**
   * Renews `leases` (read as held a moment ago) in transactions of up to TXN_OPS; when a lease ended in
   * between, its transaction fails and its leases are renewed one by one: the ended one is `lost`.
   */
  private async renewAll(leases: readonly StoredLease[], lost: readonly string[], deadline: number): Promise<HeldLeaseRenewal> {
    const renewed: StoredLease[] = [];
    const gone = [...lost];
    for (const chunk of chunks(leases, TXN_OPS)) {
      if (await this.renewIfHeld(chunk, deadline)) {
        renewed.push(...chunk);
        continue;
      }
      for (const lease of chunk) {
        if (await this.renewIfHeld([lease], deadline)) renewed.push(lease);
        else gone.push(lease.leaseId);
      }
    }
    return { renewed, lost: gone };
  }

  private async renewIfHeld(leases: readonly StoredLease[], deadline: number): Promise<boolean> {
    const [first, ...rest] = leases;
    if (first === undefined) return true;
    let guard = this.client.if(this.layout.held(first.workerId, first.leaseId), 'Create', '>', 0);
    for (const lease of rest) guard = guard.and(this.layout.held(lease.workerId, lease.leaseId), 'Create', '>', 0);
    const done = await guard.then(...leases.map((lease) => this.client.put(this.layout.deadline(lease.leaseId)).value(String(deadline)))).commit();
    return done.succeeded;
  }
}

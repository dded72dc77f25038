import type { IKeyValue } from 'etcd3';
import type { WorkItemState } from '../interfaces/resource-lease.interfaces';
import type { StoredLease } from './work-store.interface';

/** An item as etcd keeps it under `items/<seq>` (and, while pending, as the value of its `pending/` entry). */
export interface EtcdItem {
  readonly sequenceId: number;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly payload: unknown;
  readonly attempt: number;
  readonly state: WorkItemState;
  readonly leasedBy?: string;
  readonly completedBy?: string;
  /**
   * Written with the completion by the release that committed it (one id per release call): a
   * dispatcher that finds the item completed after a commit it could not confirm (etcd's answer was
   * lost, or another dispatcher served the worker's retry meanwhile) tells its own commit from another's.
   */
  readonly completionId?: string;
  readonly holders: readonly string[];
}

/** What an enqueue writes first, under `incoming/<uuid>`: the item before it has a sequence id (its create revision). */
export interface IncomingItem {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly payload: unknown;
}

/** A value read with the revision a transaction compares against. */
export interface Versioned<T> {
  readonly key: string;
  readonly value: T;
  readonly modRevision: string;
}

/** Operations per etcd transaction we allow ourselves: etcd refuses more than 128 by default. */
export const TXN_OPS = 120;

/**
 * Partitions of the new pending items: dispatchers read the head of one at random, so that several
 * dispatchers rarely read (and race for) the same entries.
 */
export const PENDING_PARTITIONS = 16;
const PARTITION_BITS = Math.log2(PENDING_PARTITIONS);

/** Fibonacci hashing of the sequence id's low 32 bits, whose top bits pick the partition. */
export const partitionOf = (sequenceId: number): number => Math.imul(sequenceId | 0, 0x9e3779b1) >>> (32 - PARTITION_BITS);

export const pad = (n: number): string => String(n).padStart(16, '0');

/**
 * A lease's value, byte for byte the same for the same lease: transactions compare it (`Value ==`)
 * instead of reading the key first, so a heartbeat is one round trip. The deadline is kept apart,
 * under `deadlines/<leaseId>`, so the lease value never changes during the lease.
 */
export function leaseValue({ leaseId, workerId, sequenceId, attempt }: StoredLease): string {
  return JSON.stringify({ leaseId, workerId, sequenceId, attempt });
}

export function parseLease(kv: IKeyValue): StoredLease {
  const { leaseId, workerId, sequenceId, attempt } = JSON.parse(kv.value.toString()) as StoredLease;
  return { leaseId, workerId, sequenceId, attempt };
}

/** The keys of one work store, under `<prefix>work/`. */
export class EtcdWorkLayout {
  readonly root: string;

  constructor(prefix: string) {
    this.root = `${prefix}work/`;
  }

  under(what: string): string {
    return `${this.root}${what}`;
  }

  item(sequenceId: number): string {
    return `${this.root}items/${pad(sequenceId)}`;
  }

  lease(leaseId: string): string {
    return `${this.root}leases/${leaseId}`;
  }

  deadline(leaseId: string): string {
    return `${this.root}deadlines/${leaseId}`;
  }

  /** The worker's index of its leases: exists exactly while `workerId` holds `leaseId`. */
  held(workerId: string, leaseId?: string): string {
    return `${this.root}held/${workerId}/${leaseId ?? ''}`;
  }

  /**
   * New items sort after requeued ones (`pending/0/...`), in sequence order within one of
   * PENDING_PARTITIONS partitions (by a hash of the sequence id: revisions need not be spread evenly).
   */
  newPending(sequenceId: number): string {
    return `${this.newPendingPartition(partitionOf(sequenceId))}${pad(sequenceId)}`;
  }

  /** The prefix of one partition of new pending items. */
  newPendingPartition(partition: number): string {
    return `${this.root}pending/1/${String(partition).padStart(2, '0')}/`;
  }

  /** The prefix of requeued pending items. */
  requeuedPendingPrefix(): string {
    return `${this.root}pending/0/`;
  }

  /** Requeued items sort first, the latest requeue first, as the memory store does. */
  requeuedPending(sequenceId: number, now: number): string {
    return `${this.root}pending/0/${pad(Number.MAX_SAFE_INTEGER - now)}/${pad(sequenceId)}`;
  }
}

/** Splits `list` into chunks of at most `size`. */
export function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

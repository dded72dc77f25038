import { Agent as HttpAgent, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { describeValue } from '../base/errors/describe-value';
import { PeerHealthConfigurationError } from '../base/errors/peer-health-configuration.error';
import type { PeerHealthMissingSource, PeerHealthProviderAnswer } from '../base/interfaces/peer-health-provider-answer.interface';
import type { PeerHealthSnapshotProvider } from '../base/interfaces/peer-health-snapshot-provider.interface';
import type { PeerLeaseHealthSnapshot } from '../base/interfaces/peer-lease-health-snapshot.interface';
import type {
  RemoteLeaseHealthProviderOptions,
  RemoteLeaseHealthTargets,
} from '../base/interfaces/remote-lease-health-provider-options.interface';
import { DEFAULT_LEASE_HEALTH_PATH } from '../base/peer-health.routes';
import {
  DEFAULT_REMOTE_MAX_BODY_BYTES,
  DEFAULT_REMOTE_MAX_PEERS_PER_TARGET,
  DEFAULT_REMOTE_MAX_TARGETS,
  DEFAULT_REMOTE_MAX_TOTAL_BODY_BYTES,
  DEFAULT_REMOTE_MAX_TOTAL_PEERS,
  DEFAULT_REMOTE_TIMEOUT_MS,
} from '../base/peer-health.defaults';
import { FEDERATED_READ_HEADER } from '../base/peer-health.headers';
import { PeerHealthSnapshotProvider as RegisteredSnapshotProvider } from './peer-health-snapshot-provider';
import { readRemoteLeaseHealth, type RemoteReadAgents, type RemoteReadLimits } from './remote-lease-health.request';
import { FederationLimitError } from '../base/errors/federation-limit.error';
import { FederationBudget, type FederationShare } from './federation-budget';
import { joinInSlices, snapshotsOfLeaseHealthBytes } from './sliced-lease-health-parser';

/** The last good answer of one host: reused as is when the host answers 304 to its ETag. */
interface HostAnswer {
  readonly etag: string | undefined;
  readonly snapshots: readonly PeerLeaseHealthSnapshot[];
  /** Peers that host called unhealthy, for isPeerEligible. */
  readonly unhealthy: ReadonlySet<string>;
}

/** One entry of the target list, checked. */
type Target = { readonly source: string; readonly url: URL } | { readonly source: string; readonly invalid: string };

/** Longest rendering of a source name in reports and the partial-answer header. */
const MAX_SOURCE_LENGTH = 200;

/** A target as an operator reads it: visible ASCII without list separators, bounded. */
function sourceName(raw: string): string {
  const name = raw.replace(/[^\x21-\x7e]|[,()]/g, '').slice(0, MAX_SOURCE_LENGTH);
  return name === '' ? 'unnamed-target' : name;
}

/** The list, or the reason a list function failed (it is the application's code: it may throw or answer garbage). */
function listOf(targets: RemoteLeaseHealthTargets | undefined): readonly unknown[] | { readonly failure: string } {
  if (targets === undefined) return [];
  try {
    const list: unknown = typeof targets === 'function' ? targets() : targets;
    return Array.isArray(list) ? list : { failure: 'the target list is not an array' };
  } catch (error) {
    return { failure: `the target list function failed: ${reasonOf(error)}` };
  }
}

/** Stands for the whole list when the list itself could not be had. */
const TARGET_LIST_SOURCE = 'target-list';

/** Scheme, host and port: how "the same host" is decided for the self check. */
function originOf(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    return new URL(raw).origin;
  } catch {
    return undefined;
  }
}

function positive(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new PeerHealthConfigurationError(option, `${option} must be a positive finite number, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Reads other hosts' `GET /omnirelay/control/lease-health` and serves their peers as snapshots, so
 * one host can show the fleet (for example a control-plane node showing the leases its dispatchers
 * hold). Each host is read with `If-None-Match` (its last good ETag; a 304 reuses the parsed
 * snapshots), a bearer token, a time limit and a body limit, and the federated-read header, so the
 * host answers with its own view only. A host that fails in any way is left out of that answer and
 * named as a missing source; it never breaks the others. The provider never reads its own host.
 *
 * Register an instance in any module (`{ provide: RemoteLeaseHealthProvider, useFactory: ... }`); the
 * class carries the provider decorator, so the kit picks it up. Set the module's `providerTimeoutMs`
 * above this provider's `timeoutMs`, or the endpoint gives up on the whole provider first.
 */
@RegisteredSnapshotProvider()
export class RemoteLeaseHealthProvider implements PeerHealthSnapshotProvider {
  private readonly answers = new Map<string, HostAnswer>();
  private readonly limits: RemoteReadLimits;
  private readonly maxTargets: number;
  private readonly maxPeersPerTarget: number;
  private readonly maxTotalPeers: number;
  private readonly maxTotalBodyBytes: number;
  private readonly path: string;
  private readonly agents: RemoteReadAgents;

  constructor(private readonly options: RemoteLeaseHealthProviderOptions) {
    this.limits = {
      timeoutMs: positive('timeoutMs', options.timeoutMs, DEFAULT_REMOTE_TIMEOUT_MS),
      maxBodyBytes: positive('maxBodyBytes', options.maxBodyBytes, DEFAULT_REMOTE_MAX_BODY_BYTES),
    };
    this.maxTargets = Math.floor(positive('maxTargets', options.maxTargets, DEFAULT_REMOTE_MAX_TARGETS));
    this.maxPeersPerTarget = Math.floor(positive('maxPeersPerTarget', options.maxPeersPerTarget, DEFAULT_REMOTE_MAX_PEERS_PER_TARGET));
    this.maxTotalPeers = Math.floor(positive('maxTotalPeers', options.maxTotalPeers, DEFAULT_REMOTE_MAX_TOTAL_PEERS));
    this.maxTotalBodyBytes = Math.floor(positive('maxTotalBodyBytes', options.maxTotalBodyBytes, DEFAULT_REMOTE_MAX_TOTAL_BODY_BYTES));
    const path = options.path ?? DEFAULT_LEASE_HEALTH_PATH;
    if (!path.startsWith('/')) throw new PeerHealthConfigurationError('path', `path must start with /, got ${describeValue(path)}`);
    this.path = path;
    const tls = options.tls;
    this.agents = {
      http: new HttpAgent({ keepAlive: true, maxSockets: 4 }),
      https: new HttpsAgent({ keepAlive: true, maxSockets: 4, ca: tls?.ca, cert: tls?.cert, key: tls?.key }),
    };
  }

  /** How many hosts a read would contact now (its own host and duplicates excluded). */
  get remoteSourceCount(): number {
    return this.targets().length;
  }

  /** Ineligible when the last good answer of any host called the peer unhealthy. */
  isPeerEligible(peerId: string): boolean {
    for (const answer of this.answers.values()) {
      if (answer.unhealthy.has(peerId)) return false;
    }
    return true;
  }

  /** The peers of every host that answered; the missing ones are only visible through partialSnapshot(). */
  async snapshot(): Promise<readonly PeerLeaseHealthSnapshot[]> {
    return (await this.partialSnapshot()).snapshots;
  }

  /** Reads every host at once; snapshots in target order, so an earlier host wins metadata conflicts. */
  async partialSnapshot(): Promise<PeerHealthProviderAnswer> {
    const targets = this.targets();
    const listed = new Set(targets.map((target) => target.source));
    // Hosts no longer listed are forgotten: memory follows the list.
    for (const source of this.answers.keys()) if (!listed.has(source)) this.answers.delete(source);
    // One budget for every host of this read: bytes as they arrive, peers as they are parsed.
    const budget = FederationBudget.of(this.maxTotalBodyBytes, this.maxTotalPeers);
    const results = await Promise.all(
      targets.slice(0, this.maxTargets).map((target) => {
        const share = budget.share();
        return this.read(target, share).then(
          (answer) => ({ target, answer }),
          (error: unknown) => {
            share.release();
            return { target, error };
          },
        );
      }),
    );
    const snapshots: PeerLeaseHealthSnapshot[] = [];
    const missingSources: PeerHealthMissingSource[] = [];
    // Only hosts still listed are remembered (the list may have changed while the reads ran).
    const stillListed = new Set(this.targets().map((target) => target.source));
    for (const result of results) {
      if ('answer' in result) {
        snapshots.push(...result.answer.snapshots);
        if (stillListed.has(result.target.source)) this.answers.set(result.target.source, result.answer);
      } else {
        // A failed host's old answer no longer speaks for it (eligibility), nor validates a later read.
        this.answers.delete(result.target.source);
        missingSources.push({ source: result.target.source, reason: reasonOf(result.error) });
      }
    }
    for (const target of targets.slice(this.maxTargets)) {
      missingSources.push({ source: target.source, reason: `not read: more than ${this.maxTargets} hosts listed` });
    }
    return { snapshots, missingSources };
  }

  /** Closes the kept-alive connections (Nest calls it on shutdown when the provider is a Nest provider). */
  onApplicationShutdown(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** The current targets: checked, own host and duplicates removed, in list order. */
  private targets(): Target[] {
    const selfList = listOf(this.options.selfUrls);
    // Without its own URLs the provider may read its host once; the federated-read header stops it there.
    const self = new Set(Array.isArray(selfList) ? selfList.map(originOf).filter((origin) => origin !== undefined) : []);
    const list = listOf(this.options.targets);
    if ('failure' in list) return [{ source: TARGET_LIST_SOURCE, invalid: list.failure }];
    const seen = new Set<string>();
    const targets: Target[] = [];
    for (const raw of list) {
      const target = this.checked(raw);
      if (seen.has(target.source)) continue;
      if ('url' in target && self.has(target.url.origin)) continue;
      seen.add(target.source);
      targets.push(target);
    }
    return targets;
  }

  private checked(raw: unknown): Target {
    const text = typeof raw === 'string' ? raw.trim() : '';
    let base: URL;
    try {
      base = new URL(text);
    } catch {
      return { source: sourceName(text), invalid: 'not a URL' };
    }
    const source = sourceName(`${base.origin}${base.pathname.replace(/\/+$/, '')}`);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') return { source, invalid: 'not an http or https URL' };
    // Credentials in a URL would end up in logs and headers: the token option is the way.
    if (base.username !== '' || base.password !== '') return { source: sourceName(base.host), invalid: 'URL with credentials refused' };
    return { source, url: new URL(`${base.pathname.replace(/\/+$/, '')}${this.path}`, base.origin) };
  }

  private async read(target: Target, share: FederationShare): Promise<HostAnswer> {
    if (!('url' in target)) throw new Error(target.invalid);
    const known = this.answers.get(target.source);
    const headers: OutgoingHttpHeaders = { accept: 'application/json', [FEDERATED_READ_HEADER]: '1' };
    if (this.options.authToken !== undefined) headers.authorization = `Bearer ${this.options.authToken}`;
    if (known?.etag !== undefined) headers['if-none-match'] = known.etag;
    const answer = await readRemoteLeaseHealth(target.url, target.source, headers, { ...this.limits, takeBytes: (count) => share.takeBytes(count) }, this.agents);
    if (answer.status === 304) {
      if (known === undefined) throw new Error('answered 304 to a read without a validator');
      // The reused answer counts against this read's peers like a fresh one.
      share.takePeers(known.snapshots.length);
      return known;
    }
    let snapshots: readonly PeerLeaseHealthSnapshot[];
    try {
      snapshots = await snapshotsOfLeaseHealthBytes(await joinInSlices(answer.body, answer.length), this.maxPeersPerTarget, share);
    } catch (error) {
      if (error instanceof FederationLimitError) throw error;
      throw new Error(`answered a body that is not lease health: ${reasonOf(error)}`);
    }
    return { etag: answer.etag, snapshots, unhealthy: new Set(snapshots.filter((s) => !s.isHealthy).map((s) => s.peerId)) };
  }
}

/** One line, bounded: what the log and the report say about a failed host. */
function reasonOf(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

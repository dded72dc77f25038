import type { ServerResponse } from 'node:http';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { ResolvedPeerHealthOptions } from '../../base/interfaces/peer-health-telemetry-options.interface';
import { PEER_HEALTH_RESOLVED_OPTIONS } from '../../base/peer-health.constants';
import { PeerLeaseHealthTracker } from '../../tracker/peer-lease-health.tracker';
import { EventRing } from './event-ring';
import { DEFAULT_EVENT_STREAM_SETTINGS, type EventStreamSettings } from './event-stream-settings';
import { KEEP_ALIVE_FRAME, sseFrame, wireTime } from './sse-frames';

/** `Last-Event-ID` as this stream writes it: a decimal event id. */
function parseLastEventId(header: string | undefined): number | undefined {
  if (header === undefined || !/^[0-9]{1,15}$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

/**
 * Why a `Last-Event-ID` cannot be resumed from: not an id at all; later than any event this stream
 * has sent (the host restarted, and ids start again at 1, or the id was never this stream's); or
 * older than the ring still holds.
 */
export type ResetReason = 'last-event-id-malformed' | 'last-event-id-ahead' | 'last-event-id-too-old';

/**
 * The live side of the endpoint: `transition`, `anomaly` and `leadership` events of the tracker as
 * Server-Sent Events, numbered by one increasing id. The hub subscribes to the tracker when the
 * first watcher connects (until then the tracker builds no events at all) and stays subscribed, so
 * a watcher that reconnects can resume from the ring of recent events. Events are queued and
 * written on the next turn of the event loop, never during the change that raised them; a watcher
 * that still has more than `maxUnreadBytes` unread when the next events are written is dropped, so a slow reader never slows ingest or
 * grows memory.
 */
@Injectable()
export class LeaseHealthEventHub implements OnModuleDestroy {
  private readonly settings: EventStreamSettings;
  private readonly ring: EventRing;
  private readonly watchers = new Set<ServerResponse>();
  /** The credential digest of each watcher that sent one, and how many watchers each digest holds. */
  private readonly credentialOf = new Map<ServerResponse, string>();
  private readonly perCredential = new Map<string, number>();
  private queued: string[] = [];
  private flushScheduled = false;
  private unsubscribe: (() => void)[] | undefined;
  private keepAlive: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(
    private readonly tracker: PeerLeaseHealthTracker,
    @Inject(PEER_HEALTH_RESOLVED_OPTIONS) options: ResolvedPeerHealthOptions,
  ) {
    this.settings = { ...DEFAULT_EVENT_STREAM_SETTINGS, ...options.events };
    this.ring = new EventRing(this.settings.replayEvents);
  }

  /** Watchers connected now. */
  get watcherCount(): number {
    return this.watchers.size;
  }

  /** Whether one more watcher is accepted. */
  hasRoom(): boolean {
    return !this.closed && this.watchers.size < this.settings.maxWatchers;
  }

  /**
   * Why one more watcher with this credential digest (see watcherCredential) is refused, or undefined
   * when it is accepted: all slots are taken, or that credential holds its share already.
   */
  refusal(credential: string | undefined): string | undefined {
    if (!this.hasRoom()) return 'Too many event-stream watchers';
    if (credential !== undefined && (this.perCredential.get(credential) ?? 0) >= this.settings.maxWatchersPerCredential) {
      return `Too many event-stream watchers for this credential (at most ${this.settings.maxWatchersPerCredential})`;
    }
    return undefined;
  }

  /**
   * Streams events to `response` until it closes. With a `Last-Event-ID` the ring still holds, the
   * missed events come first; with one it no longer holds (or that is not this stream's), a `reset`
   * event tells the watcher to reload its view.
   */
  watch(response: ServerResponse, lastEventIdHeader: string | undefined, credential?: string): void {
    this.subscribe();
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // Tells nginx-like proxies not to buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    let greeting = `retry: 2000\n: watching lease health\n\n`;
    const lastSeen = parseLastEventId(lastEventIdHeader);
    if (lastEventIdHeader !== undefined) {
      const missed = lastSeen === undefined ? undefined : this.ring.after(lastSeen);
      if (missed === undefined) {
        const reason: ResetReason =
          lastSeen === undefined ? 'last-event-id-malformed' : lastSeen > this.ring.lastId ? 'last-event-id-ahead' : 'last-event-id-too-old';
        greeting += sseFrame(this.ring.lastId, 'reset', { reason, lastEventId: this.ring.lastId });
      } else {
        for (const event of missed) greeting += event.frame;
      }
    }
    this.watchers.add(response);
    if (credential !== undefined) {
      this.credentialOf.set(response, credential);
      this.perCredential.set(credential, (this.perCredential.get(credential) ?? 0) + 1);
    }
    this.tracker.counters.watchers = this.watchers.size;
    response.on('close', () => {
      this.drop(response);
    });
    this.send(response, greeting);
    this.keepAlive ??= setInterval(() => {
      for (const watcher of this.watchers) this.send(watcher, KEEP_ALIVE_FRAME);
    }, this.settings.keepAliveMs);
    this.keepAlive.unref();
  }

  onModuleDestroy(): void {
    this.closed = true;
    for (const off of this.unsubscribe ?? []) off();
    for (const watcher of [...this.watchers]) {
      watcher.end();
      this.drop(watcher);
    }
  }

  private subscribe(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = [
      this.tracker.onTransition(({ peerId, from, to, reason, at }) => {
        this.publish('transition', { peerId, from, to, reason, at: wireTime(at) });
      }),
      this.tracker.onAnomaly(({ kind, count, at }) => {
        this.publish('anomaly', { kind, count, at: wireTime(at) });
      }),
      this.tracker.onLeadership(({ scope, leaderId, term, at }) => {
        this.publish('leadership', term === undefined ? { scope, leaderId, at: wireTime(at) } : { scope, leaderId, term, at: wireTime(at) });
      }),
    ];
  }

  private publish(event: string, data: Record<string, unknown>): void {
    const { frame } = this.ring.push((id) => sseFrame(id, event, data));
    if (this.watchers.size === 0) return;
    this.queued.push(frame);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flush();
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const chunk = this.queued.join('');
    this.queued = [];
    for (const watcher of this.watchers) this.send(watcher, chunk);
  }

  private send(watcher: ServerResponse, chunk: string): void {
    if (watcher.destroyed) return;
    // Judged before writing: a burst larger than the bound does not drop a reader that keeps up,
    // but one that has not taken what it was sent before is let go rather than buffered for.
    if (watcher.writableLength > this.settings.maxUnreadBytes) {
      watcher.destroy();
      this.drop(watcher);
      return;
    }
    watcher.write(chunk);
  }

  private drop(watcher: ServerResponse): void {
    if (!this.watchers.delete(watcher)) return;
    const credential = this.credentialOf.get(watcher);
    if (credential !== undefined) {
      this.credentialOf.delete(watcher);
      const left = (this.perCredential.get(credential) ?? 1) - 1;
      if (left > 0) this.perCredential.set(credential, left);
      else this.perCredential.delete(credential);
    }
    this.tracker.counters.watchers = this.watchers.size;
    if (this.watchers.size === 0 && this.keepAlive !== undefined) {
      clearInterval(this.keepAlive);
      this.keepAlive = undefined;
    }
  }
}

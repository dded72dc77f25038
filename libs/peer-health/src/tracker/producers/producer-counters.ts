/**
 * What the tracker's producer channels did, for the exporter: open channels, events applied, waits
 * on a full ring (live channels keep theirs in shared memory) and channels dropped with their thread.
 * @internal
 */
export class ProducerCounters {
  /** Channels open now. */
  channels = 0;
  eventsApplied = 0;
  dropped = 0;
  private finishedWaits = 0;
  private readonly live = new Set<{ readonly waits: number }>();

  opened(channel: { readonly waits: number }): void {
    this.live.add(channel);
    this.channels++;
  }

  finished(channel: { readonly waits: number }, dropped: boolean): void {
    if (!this.live.delete(channel)) return;
    this.channels--;
    this.finishedWaits += channel.waits;
    if (dropped) this.dropped++;
  }

  /** Waits of every channel, open or finished. */
  get waits(): number {
    let total = this.finishedWaits;
    for (const channel of this.live) total += channel.waits;
    return total;
  }
}

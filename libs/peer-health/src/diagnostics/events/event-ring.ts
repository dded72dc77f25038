/** One event of the stream, already written as an SSE frame. */
export interface StreamEvent {
  readonly id: number;
  readonly frame: string;
}

/**
 * The last `capacity` events, for `Last-Event-ID` resumption. Ids grow by one per event, so the
 * events after an id are found by arithmetic, not by a search.
 */
export class EventRing {
  private readonly events: (StreamEvent | undefined)[];
  private nextId = 1;

  constructor(private readonly capacity: number) {
    this.events = new Array<StreamEvent | undefined>(capacity);
  }

  /** The id of the newest event, 0 before the first. */
  get lastId(): number {
    return this.nextId - 1;
  }

  /** Stores the event written by `frameOf(id)` and returns it. */
  push(frameOf: (id: number) => string): StreamEvent {
    const id = this.nextId++;
    const event = { id, frame: frameOf(id) };
    this.events[id % this.capacity] = event;
    return event;
  }

  /**
   * The events after `lastSeenId`, oldest first; undefined when some of them are gone already (or
   * the id is not one of this stream's), so the watcher must start over.
   */
  after(lastSeenId: number): StreamEvent[] | undefined {
    const oldest = Math.max(1, this.nextId - this.capacity);
    if (!Number.isSafeInteger(lastSeenId) || lastSeenId < oldest - 1 || lastSeenId > this.lastId) return undefined;
    const missed: StreamEvent[] = [];
    for (let id = lastSeenId + 1; id < this.nextId; id++) {
      const event = this.events[id % this.capacity];
      if (event?.id === id) missed.push(event);
    }
    return missed;
  }
}

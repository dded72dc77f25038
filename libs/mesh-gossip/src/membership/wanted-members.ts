/** Ids remembered at most; past it the oldest is dropped (a digest naming it again brings it back). */
const MAX_WANTED = 1024;

/**
 * Node ids seen in compact digests that this node does not know: it asks for their full entries
 * (`want`) on its next messages, a slice at a time, rotating so that an id nobody can answer for
 * (a forgery) does not hold the slots.
 * @internal
 */
export class WantedMembers {
  private readonly ids = new Set<string>();

  get size(): number {
    return this.ids.size;
  }

  add(nodeId: string): void {
    if (this.ids.has(nodeId)) return;
    this.ids.add(nodeId);
    if (this.ids.size > MAX_WANTED) {
      const oldest = this.ids.values().next();
      if (oldest.done !== true) this.ids.delete(oldest.value);
    }
  }

  /** The member became known: no longer wanted. */
  delete(nodeId: string): void {
    this.ids.delete(nodeId);
  }

  /** Up to `max` ids to ask for now; they go to the back of the line. */
  take(max: number): string[] {
    const taken: string[] = [];
    for (const nodeId of this.ids) {
      if (taken.length >= max) break;
      taken.push(nodeId);
    }
    for (const nodeId of taken) {
      this.ids.delete(nodeId);
      this.ids.add(nodeId);
    }
    return taken;
  }
}

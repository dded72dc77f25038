/** A queue slot embedded in the object it orders, so moving it allocates nothing. */
export class DeadlineNode<T> {
  due = 0;
  prev: DeadlineNode<T> | undefined;
  next: DeadlineNode<T> | undefined;
  queued = false;

  constructor(readonly owner: T) {}
}

/**
 * Intrusive doubly linked list ordered by `due`, earliest first. Deadlines are almost always
 * "now + constant", so an update moves a node to (or next to) the tail in O(1); the sorted
 * walk from the tail only matters if the clock steps backwards.
 */
export class DeadlineQueue<T> {
  private first: DeadlineNode<T> | undefined;
  private last: DeadlineNode<T> | undefined;

  get head(): DeadlineNode<T> | undefined {
    return this.first;
  }

  upsert(node: DeadlineNode<T>, due: number): void {
    if (node.queued) {
      if (node === this.last && (node.prev === undefined || node.prev.due <= due)) {
        node.due = due;
        return;
      }
      this.remove(node);
    }
    node.due = due;
    let after = this.last;
    while (after && after.due > due) after = after.prev;
    node.prev = after;
    node.next = after ? after.next : this.first;
    if (node.next) node.next.prev = node;
    else this.last = node;
    if (after) after.next = node;
    else this.first = node;
    node.queued = true;
  }

  remove(node: DeadlineNode<T>): void {
    if (!node.queued) return;
    if (node.prev) node.prev.next = node.next;
    else this.first = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.last = node.prev;
    node.prev = undefined;
    node.next = undefined;
    node.queued = false;
  }
}

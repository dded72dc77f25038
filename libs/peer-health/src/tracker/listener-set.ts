/**
 * Listeners of one kind of tracker event. A listener that throws is reported through `failed` and
 * does not keep the others from being called.
 */
export class ListenerSet<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(private readonly failed: (error: unknown) => void) {}

  /** Whether anybody listens: callers build the event only when someone does. */
  get size(): number {
    return this.listeners.size;
  }

  add(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(value: T): void {
    for (const listener of this.listeners) {
      try {
        listener(value);
      } catch (error) {
        this.failed(error);
      }
    }
  }
}

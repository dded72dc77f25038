import { VALUE_TAG } from '../../base/producer/producer-ring.layout';

/**
 * The tracker's half of a channel's string table, and the stand-ins of values that are not in it:
 * each stand-in is dropped or skipped by the tracker exactly as the original value would be.
 * @internal
 */
export class ProducerStringEntries {
  readonly texts: string[] = [];
  private readonly oversize: string[] = [];
  private readonly oversizeBlank: string[] = [];

  constructor(
    /** Longer than every limit a key or value is checked against. */
    private readonly tooLong: number,
  ) {}

  reset(): void {
    this.texts.length = 0;
  }

  /**
   * The value a slot stands for; `position` makes stand-ins distinct within one gossip record (as
   * the original keys were), so none collapses into another. Undefined for a slot that names no entry.
   */
  valueOf(slot: number, position: number): unknown {
    if (slot >= 0) return this.texts[slot] ?? INVALID;
    switch (slot) {
      case VALUE_TAG.undefined:
        return undefined;
      case VALUE_TAG.null:
        return null;
      case VALUE_TAG.other:
        return position;
      case VALUE_TAG.oversize:
        return (this.oversize[position] ??= 'x'.repeat(this.tooLong + 1 + position));
      case VALUE_TAG.oversizeBlank:
        return (this.oversizeBlank[position] ??= ' '.repeat(this.tooLong + 1 + position));
      default:
        return INVALID;
    }
  }
}

/** What valueOf() answers for a slot no producer writes: the channel is corrupt. */
export const INVALID: unique symbol = Symbol('invalid slot');

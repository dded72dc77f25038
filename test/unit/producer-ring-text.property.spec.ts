import fc from 'fast-check';
import * as ringTextModule from '@internal/peer-health/tracker/producers/ring-text';

// The tracker reads a string record's code units straight from the ring (at once when they lie in
// one run of it, through a reused array when short, word by word when they wrap or are long). Its
// slow twin here is the plain layout: two UTF-16 code units per 32-bit word, the low half first.
// Any code units (lone surrogates included), at any position of the ring, must read back the same.

const RING_WORDS = 4096;

/** Internal (stripped from the published types): typed here, as the tracker calls it. */
const { ringText } = ringTextModule as unknown as { ringText: (ring: Int32Array, units: Uint16Array, position: number, size: number) => string };

/** The string as the producer lays it out from word `position` on (the plain model). */
function writePlain(ring: Int32Array, position: number, text: string): void {
  const mask = ring.length - 1;
  for (let i = 0; i < text.length; i += 2) {
    const low = text.charCodeAt(i);
    const high = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
    ring[(position + (i >> 1)) & mask] = low | (high << 16);
  }
}

const codeUnits = (maxLength: number): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength }).map((codes) => codes.map((code) => String.fromCharCode(code)).join(''));

describe('ring text (the tracker reading a string record)', () => {
  it('reads back every string at every position, wrapping or not, short or long', () => {
    const buffer = new SharedArrayBuffer(RING_WORDS * 4);
    const ring = new Int32Array(buffer);
    const units = new Uint16Array(buffer);
    const text = fc.oneof({ weight: 6, arbitrary: codeUnits(80) }, { weight: 1, arbitrary: codeUnits(RING_WORDS * 2 - 2) });
    // Positions are word counters that wrap at 2^32: near the ring's end, and past 2^31 (negative as Int32).
    const position = fc.oneof(fc.integer({ min: 0, max: RING_WORDS * 3 }), fc.integer({ min: -(2 ** 31), max: -1 }), fc.constant(RING_WORDS - 1));
    fc.assert(
      fc.property(text, position, fc.integer({ min: -1, max: 0xffff }), (value, at, noise) => {
        ring.fill(noise);
        writePlain(ring, at, value);
        expect(ringText(ring, units, at, value.length)).toBe(value);
      }),
      { numRuns: 400 },
    );
  });

  it('reads the same short string twice in a row from different places (the reused array holds no stale units)', () => {
    const buffer = new SharedArrayBuffer(RING_WORDS * 4);
    const ring = new Int32Array(buffer);
    const units = new Uint16Array(buffer);
    writePlain(ring, 0, 'peer-0000001');
    writePlain(ring, 100, 'peer-0000002');
    expect(ringText(ring, units, 0, 12)).toBe('peer-0000001');
    expect(ringText(ring, units, 100, 12)).toBe('peer-0000002');
  });
});
